/**
 * The mesh sidecar. Starting points: {@link io.dualmode.sidecar.SidecarMain} (command line), {@link
 * io.dualmode.sidecar.Sidecar} (embed: create, start, stop), {@link io.dualmode.sidecar.ModeSwitch}.
 */
package io.dualmode.sidecar;
