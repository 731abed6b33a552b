/** Unit tests of the traffic metrics store on a clock the test moves. */
package io.dualmode.platform.metrics;
