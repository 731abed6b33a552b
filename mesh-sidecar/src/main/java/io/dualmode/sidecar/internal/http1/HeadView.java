package io.dualmode.sidecar.internal.http1;

import io.dualmode.sidecar.internal.governance.CallView;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** A request head as the governance filters read it: the path and headers, parsed only when a rule asks. */
final class HeadView implements CallView {
    private final RequestHead head;
    private String path;

    HeadView(RequestHead head) {
        this.head = head;
    }

    @Override
    public String method() {
        if (path == null) {
            path = path(head.content());
        }
        return path;
    }

    @Override
    public String header(String lowerCaseName) {
        return head.header(lowerCaseName);
    }

    /** The path of the request target, without scheme, authority and query. */
    static String path(ByteBuf raw) {
        int from = raw.readerIndex();
        int end = HeadParser.lineEnd(raw, from, raw.writerIndex());
        String line = raw.toString(from, end - from, StandardCharsets.US_ASCII);
        int sp1 = line.indexOf(' ');
        int sp2 = line.indexOf(' ', sp1 + 1);
        String target = sp1 < 0 || sp2 < 0 ? "/" : line.substring(sp1 + 1, sp2);
        int scheme = target.indexOf("://");
        if (scheme > 0) {
            int slash = target.indexOf('/', scheme + 3);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }
}
