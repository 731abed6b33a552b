/**
 * Scaffolding shared by the compatibility suites. Start with {@link io.dualmode.it.support.ChildJvm} (launch a
 * framework application in its own JVM and talk to it line by line), {@link io.dualmode.it.support.ChildChannel}
 * (the child's side of that conversation) and {@link io.dualmode.it.support.LocalNetwork} (loopback-only settings).
 */
package io.dualmode.it.support;
