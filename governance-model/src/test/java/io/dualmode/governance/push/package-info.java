/** Tests of the push protocol's messages. */
package io.dualmode.governance.push;
