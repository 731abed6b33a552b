/** Every meter of the sidecar, declared in {@link io.dualmode.sidecar.internal.metrics.SidecarMetrics}. */
package io.dualmode.sidecar.internal.metrics;
