package io.dualmode.sidecar.config;

/** A sidecar error an operator sees; its message starts with the stable code. */
public final class SidecarException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient SidecarErrors error;

    SidecarException(SidecarErrors error, String message) {
        super(message);
        this.error = error;
    }

    /** Which error this is. */
    public SidecarErrors error() {
        return error;
    }
}
