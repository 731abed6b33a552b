package io.dualmode.sidecar;

/** Told when the instance's mode changes (through the admin API or, later, the control plane). */
@FunctionalInterface
public interface ModeListener {
    /** Called on the thread that switched the mode, after the switch; must not block long. */
    void modeChanged(Mode previous, Mode current);
}
