package io.dualmode.sidecar;

import java.util.Locale;

/** How the local application instance takes part in the platform. */
public enum Mode {
    /** Traffic goes through the sidecar; the registry sees the sidecar's addresses. */
    MESH,
    /** Pass-through: the application sees the real addresses and the registry its real address. */
    SDK;

    /** Parses {@code mesh} or {@code sdk}, ignoring case; null if neither. */
    public static Mode parse(String text) {
        if (text == null) {
            return null;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "mesh" -> MESH;
            case "sdk" -> SDK;
            default -> null;
        };
    }

    /** The lower-case name used on the wire and in registry metadata. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
