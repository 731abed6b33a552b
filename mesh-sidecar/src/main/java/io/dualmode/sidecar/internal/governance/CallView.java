package io.dualmode.sidecar.internal.governance;

/** What the filters may read of a call; implemented lazily by each protocol so unread parts cost nothing. */
public interface CallView {

    /** The HTTP path (without query) or the RPC method. */
    String method();

    /** The value of a header (or RPC attachment) by lower-case name, or null. */
    String header(String lowerCaseName);
}
