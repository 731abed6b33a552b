/** How the sidecar configures its logging without parsing XML at start-up. */
package io.dualmode.sidecar.internal.logging;
