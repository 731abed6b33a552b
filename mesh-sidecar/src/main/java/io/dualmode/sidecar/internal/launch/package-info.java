/** Start-up helpers the launch script runs before the sidecar itself (unpacking the jar). */
package io.dualmode.sidecar.internal.launch;
