package io.dualmode.sidecar.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestScannerTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new RequestScanner(256, 100));

    @AfterEach
    void finish() {
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void getWithoutBodyYieldsHeadThenEnd() {
        List<Object> out = feed("GET /a HTTP/1.1\r\nHost: Orders:8080\r\nX-A: b\r\n\r\n");
        assertThat(out).hasSize(2);
        RequestHead head = (RequestHead) out.get(0);
        assertThat(head.host).isEqualTo("orders");
        assertThat(head.keepAlive).isTrue();
        assertThat(head.idempotent).isTrue();
        assertThat(head.content().toString(StandardCharsets.US_ASCII))
                .isEqualTo("GET /a HTTP/1.1\r\nHost: Orders:8080\r\nX-A: b\r\n\r\n");
        assertThat(head.header("x-a")).isEqualTo("b");
        assertThat(out.get(1)).isSameAs(MessageEnd.INSTANCE);
        release(out);
    }

    @Test
    void hostIsLowerCasedWithoutPort() {
        List<Object> out = feed("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\nGET / HTTP/1.1\r\nHost: ORDERS\r\n\r\n"
                + "OPTIONS * HTTP/1.1\r\nHost: a.b:1\r\n\r\nPOST / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(text(out)).isEqualTo("HEAD([::1])|END|HEAD(orders)|END|HEAD(a.b)|END|HEAD(x)|END");
        assertThat(((RequestHead) out.get(4)).idempotent).isTrue();
        assertThat(((RequestHead) out.get(6)).idempotent).isFalse();
        release(out);
    }

    @Test
    void aConnectionsRequestsGetTheirOwnHostWhetherItRepeatsOrChanges() {
        List<Object> out = feed("GET / HTTP/1.1\r\nHost: Orders\r\n\r\nGET / HTTP/1.1\r\nHost: orders:81\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: order\r\n\r\nGET / HTTP/1.1\r\nHost: ORDERS\r\n\r\n"
                + "GET http://users/x HTTP/1.1\r\nHost: users\r\n\r\n");
        assertThat(text(out))
                .isEqualTo("HEAD(orders)|END|HEAD(orders)|END|HEAD(order)|END|HEAD(orders)|END|HEAD(users)|END");
        release(out);
    }

    @Test
    void connectionOptionsAreTokensNotSubstrings() {
        List<Object> out = feed("GET / HTTP/1.1\r\nHost: a\r\nConnection: closed, x\r\n\r\n"
                + "GET / HTTP/1.0\r\nHost: a\r\nConnection: TE, Keep-Alive\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: a\r\nConnection: te ,close\r\n\r\n");
        assertThat(((RequestHead) out.get(0)).keepAlive).isTrue();
        assertThat(((RequestHead) out.get(2)).keepAlive).isTrue();
        assertThat(((RequestHead) out.get(4)).keepAlive).isFalse();
        release(out);
    }

    @Test
    void contentLengthBodyIsForwardedRawAcrossReads() {
        List<Object> out = feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhe");
        out.addAll(feed("llo"));
        assertThat(text(out)).isEqualTo("HEAD(a)|he|llo|END");
        release(out);
    }

    @Test
    void chunkedBodyKeepsItsFramingAndTrailers() {
        List<Object> out = feed("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel");
        out.addAll(feed("lo\r\n0\r\nX-T: 1\r\n\r\nGET / HTTP/1.1\r\nHost: b\r\n\r\n"));
        assertThat(text(out)).isEqualTo("HEAD(a)|5;ext=1\r\nhel|lo\r\n0\r\nX-T: 1\r\n\r\n|END|HEAD(b)|END");
        release(out);
    }

    @Test
    void pipelinedRequestsInOneBufferComeOutInOrder() {
        List<Object> out =
                feed("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n");
        assertThat(text(out)).isEqualTo("HEAD(a)|END|HEAD(b)|END");
        assertThat(((RequestHead) out.get(2)).keepAlive).isFalse();
        release(out);
    }

    @Test
    void leadingEmptyLineIsIgnored() {
        List<Object> out = feed("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(text(out)).isEqualTo("HEAD(a)|END");
        release(out);
    }

    @Test
    void upgradeHoldsLaterBytesUntilTheUpstreamSwitches() {
        List<Object> out =
                feed("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\u0001\u0002");
        assertThat(((RequestHead) out.get(0)).upgrade).isTrue();
        assertThat(out).hasSize(2).last().isSameAs(MessageEnd.INSTANCE);
        scanner().tunnel(channel.pipeline().context(RequestScanner.class));
        out.addAll(drain());
        assertThat(text(out.subList(2, out.size()))).isEqualTo("\u0001\u0002");
        release(out);
    }

    @Test
    void bytesAfterARefusedUpgradeAreScannedAsHttp() {
        List<Object> out = feed("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
                + "GET /next HTTP/1.1\r\nHost: b\r\n\r\n");
        assertThat(out).hasSize(2);
        scanner().resume(channel.pipeline().context(RequestScanner.class));
        out.addAll(drain());
        assertThat(text(out)).isEqualTo("HEAD(a)|END|HEAD(b)|END");
        release(out);
    }

    private RequestScanner scanner() {
        return channel.pipeline().get(RequestScanner.class);
    }

    @Test
    void expectContinueIsRecognised() {
        List<Object> out = feed("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n");
        assertThat(((RequestHead) out.get(0)).expectContinue).isTrue();
        release(out);
    }

    @Test
    void rejectsContentLengthWithTransferEncoding() {
        assertRejected(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n");
    }

    @Test
    void rejectsDifferingContentLengths() {
        assertRejected(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
    }

    @Test
    void rejectsMalformedContentLength() {
        assertRejected(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3a\r\n\r\nabc");
    }

    @Test
    void rejectsBadChunkSize() {
        assertRejected(400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
    }

    @Test
    void rejectsChunkDataWithoutCrlf() {
        assertRejected(400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n");
    }

    @Test
    void rejectsUnknownTransferEncoding() {
        assertRejected(400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n");
    }

    @Test
    void rejectsBareLf() {
        assertRejected(400, "GET / HTTP/1.1\nHost: a\r\n\r\n");
    }

    @Test
    void rejectsObsoleteLineFolding() {
        assertRejected(400, "GET / HTTP/1.1\r\nHost: a\r\nX-Long: a\r\n  b\r\n\r\n");
    }

    @Test
    void rejectsWhitespaceBeforeColon() {
        assertRejected(400, "GET / HTTP/1.1\r\nHost : a\r\n\r\n");
    }

    @Test
    void rejectsMissingHost() {
        assertRejected(400, "GET / HTTP/1.1\r\nX: y\r\n\r\n");
    }

    @Test
    void rejectsTwoHosts() {
        assertRejected(400, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    }

    @Test
    void rejectsAbsoluteFormTargetNamingAnotherHost() {
        assertRejected(400, "GET http://admin.internal/x HTTP/1.1\r\nHost: orders\r\n\r\n");
    }

    @Test
    void acceptsAbsoluteFormTargetMatchingHost() {
        List<Object> out = feed("GET http://Orders:8080/x?y HTTP/1.1\r\nHost: orders\r\n\r\n");
        assertThat(text(out)).isEqualTo("HEAD(orders)|END");
        release(out);
    }

    @Test
    void rejectsOversizedHeadWith431() {
        assertRejected(431, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(300) + "\r\n\r\n");
    }

    @Test
    void rejectsOversizedHeadBeforeItEnds() {
        assertRejected(431, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(300));
    }

    @Test
    void rejectsOversizedContentLengthWith413() {
        assertRejected(413, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n");
    }

    @Test
    void rejectsOversizedChunkedBodyWith413() {
        assertRejected(413, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n");
    }

    @Test
    void discardsEverythingAfterAnError() {
        List<Object> out = feed("GET / HTTP/1.1\nHost: a\r\n\r\n");
        out.addAll(feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertThat(out).hasSize(1).first().isInstanceOf(ScanError.class);
    }

    private void assertRejected(int status, String input) {
        List<Object> out = feed(input);
        Object last = out.get(out.size() - 1);
        assertThat(last).isInstanceOf(ScanError.class);
        assertThat(((ScanError) last).status()).isEqualTo(status);
        release(out);
    }

    private List<Object> feed(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        return drain();
    }

    private List<Object> drain() {
        List<Object> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            out.add(msg);
        }
        return out;
    }

    private static String text(List<Object> out) {
        StringBuilder sb = new StringBuilder();
        for (Object o : out) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            if (o instanceof RequestHead h) {
                sb.append("HEAD(").append(h.host).append(')');
            } else if (o == MessageEnd.INSTANCE) {
                sb.append("END");
            } else if (o instanceof ByteBuf b) {
                sb.append(b.toString(StandardCharsets.ISO_8859_1));
            } else {
                sb.append(o);
            }
        }
        return sb.toString();
    }

    private static void release(List<Object> out) {
        out.forEach(ReferenceCountUtil::release);
    }
}
