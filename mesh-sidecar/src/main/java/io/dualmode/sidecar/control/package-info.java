/**
 * The sidecar's side of the control plane: {@link io.dualmode.sidecar.control.Governance} holds the governance
 * rules in force (swapped whole on each applied push), and {@link io.dualmode.sidecar.control.ControlPlaneClient}
 * keeps the push stream to the platform open, applies or rejects each response, acknowledges it with the digest
 * of what runs, and saves the last good rules to disk for the next start.
 */
package io.dualmode.sidecar.control;
