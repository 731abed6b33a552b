package io.dualmode.governance.push;

/**
 * Control plane to sidecar: run the instances behind you in this mode. Sent when an operator or a migration plan
 * sets the sidecar's desired mode, and again on every new stream while one is set. The sidecar switches (make before
 * break) and then reports {@code mode} and {@code modeVersion} in its node facts; a directive at or below the
 * version it already applied is ignored, so re-sending is harmless.
 *
 * <pre>{@code
 * {"type": "mode", "mode": "mesh", "version": 7}
 * }</pre>
 *
 * @param mode {@code mesh} or {@code sdk}
 * @param version increases with every change of this sidecar's desired mode
 */
public record ModeDirective(String mode, long version) implements PushMessage {

    /** The node fact carrying the version of the last directive applied. */
    public static final String MODE_VERSION_FACT = "modeVersion";

    /** The node fact carrying why the last directive could not be applied, when it could not. */
    public static final String MODE_ERROR_FACT = "modeError";

    public ModeDirective {
        if (!"mesh".equals(mode) && !"sdk".equals(mode)) {
            throw new IllegalArgumentException("mode must be mesh or sdk, got " + mode);
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive, got " + version);
        }
    }
}
