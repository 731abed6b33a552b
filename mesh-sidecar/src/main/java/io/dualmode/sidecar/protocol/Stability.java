package io.dualmode.sidecar.protocol;

/** How far a plug-in can be relied on, as listed in {@code docs/protocol-plugins.md}. */
public enum Stability {
    /** Tested against the real clients and servers of the protocol; the wire behaviour will not change. */
    STABLE,
    /** Works and is tested, but may change, and has not been hardened as much. */
    BETA
}
