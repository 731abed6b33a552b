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

class ResponseScannerTest {
    private final ResponseScanner scanner = new ResponseScanner(1024);
    private final EmbeddedChannel channel = new EmbeddedChannel(scanner);

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    @Test
    void continueThenFinalResponse() {
        List<Object> out = feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(describe(out)).isEqualTo("100|200|ok|END");
        assertThat(((ResponseHead) out.get(0)).informational()).isTrue();
        release(out);
    }

    @Test
    void headResponseHasNoBodyDespiteContentLength() {
        scanner.expect(true);
        List<Object> out = feed("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n");
        assertThat(describe(out)).isEqualTo("200|END");
        release(out);
    }

    @Test
    void chunkedResponseStreamsRaw() {
        List<Object> out = feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        assertThat(describe(out)).isEqualTo("200|3\r\nabc\r\n0\r\n\r\n|END");
        release(out);
    }

    @Test
    void keepAliveFollowsConnectionTokensAndTheLastCodingDecidesChunked() {
        List<Object> out = feed("HTTP/1.1 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\na"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nConnection: te, CLOSE\r\nContent-Length: 1\r\n\r\nc");
        assertThat(describe(out)).isEqualTo("200|a|END|200|1\r\nb\r\n0\r\n\r\n|END|200|c|END");
        assertThat(((ResponseHead) out.get(0)).keepAlive).isTrue();
        assertThat(((ResponseHead) out.get(3)).keepAlive).isTrue();
        assertThat(((ResponseHead) out.get(6)).keepAlive).isFalse();
        release(out);
    }

    @Test
    void responseWithoutLengthIsDelimitedByClose() {
        List<Object> out = feed("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc");
        assertThat(((ResponseHead) out.get(0)).delimitedByClose).isTrue();
        assertThat(((ResponseHead) out.get(0)).keepAlive).isFalse();
        assertThat(describe(out)).isEqualTo("200|abc");
        release(out);
    }

    @Test
    void switchingProtocolsGoesRaw() {
        List<Object> out = feed("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0001x");
        assertThat(describe(out)).isEqualTo("101|\u0081\u0001x");
        release(out);
    }

    @Test
    void malformedStatusLineIsAnError() {
        List<Object> out = feed("HTTP/1.1 2x0 OK\r\n\r\n");
        assertThat(out).singleElement().isInstanceOf(ScanError.class);
    }

    @Test
    void bothContentLengthAndTransferEncodingIsAnError() {
        List<Object> out =
                feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
        assertThat(out).singleElement().isInstanceOfSatisfying(ScanError.class, e -> assertThat(e.reason())
                .isEqualTo("both Content-Length and Transfer-Encoding in response"));
    }

    @Test
    void controlCharacterInReasonPhraseIsAnError() {
        List<Object> out = feed("HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n");
        assertThat(out).singleElement().isInstanceOfSatisfying(ScanError.class, e -> assertThat(e.reason())
                .isEqualTo("invalid character in reason phrase"));
    }

    private List<Object> feed(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        List<Object> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            out.add(msg);
        }
        return out;
    }

    private static String describe(List<Object> out) {
        List<String> parts = new ArrayList<>();
        for (Object o : out) {
            if (o instanceof ResponseHead h) {
                parts.add(String.valueOf(h.status));
            } else if (o == MessageEnd.INSTANCE) {
                parts.add("END");
            } else {
                parts.add(((ByteBuf) o).toString(StandardCharsets.ISO_8859_1));
            }
        }
        return String.join("|", parts);
    }

    private static void release(List<Object> out) {
        out.forEach(ReferenceCountUtil::release);
    }
}
