package io.dualmode.sidecar.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/** A validated response head: its raw bytes and what the proxy needs to frame and account it. */
final class ResponseHead extends DefaultByteBufHolder {
    final int status;
    final boolean keepAlive;
    final boolean delimitedByClose;

    ResponseHead(ByteBuf raw, int status, boolean keepAlive, boolean delimitedByClose) {
        super(raw);
        this.status = status;
        this.keepAlive = keepAlive;
        this.delimitedByClose = delimitedByClose;
    }

    /** A 1xx response other than 101: another head follows. */
    boolean informational() {
        return status >= 100 && status < 200 && status != 101;
    }
}
