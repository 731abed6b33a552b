package io.dualmode.sidecar.internal.http1;

/** Where an upstream connection's scanned response parts go: a caller's {@link Exchange}, or a {@link MirrorSink}. */
interface ResponseSink {

    /** A response part (head, body slice, end or scan error); the sink owns it. */
    void onResponse(Object msg);

    /** The upstream connection closed while bound. */
    void onUpstreamClosed();

    /** The end of a read from upstream. */
    void flushDownstream();

    /** The upstream connection's writability changed. */
    void upstreamWritability(boolean writable);
}
