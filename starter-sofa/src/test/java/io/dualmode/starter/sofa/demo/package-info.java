/** A service and its callers for the starter tests. */
package io.dualmode.starter.sofa.demo;
