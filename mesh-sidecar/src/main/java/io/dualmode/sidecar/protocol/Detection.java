package io.dualmode.sidecar.protocol;

/** A detector's answer about the first bytes of a connection. */
public enum Detection {
    /** The bytes are this protocol's. */
    RECOGNISED,
    /** The bytes are not this protocol's. */
    NOT_RECOGNISED,
    /** Not enough bytes yet to tell. */
    NEED_MORE_BYTES
}
