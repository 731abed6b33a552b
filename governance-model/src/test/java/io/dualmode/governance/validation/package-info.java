/** Tests of reading and validating rule documents. */
package io.dualmode.governance.validation;
