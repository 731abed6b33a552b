package io.dualmode.sidecar.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpCharsTest {

    @Test
    void connectionOptionsAreCommaSeparatedTokensInAnyCase() {
        assertThat(options("close")).isEqualTo(HttpChars.CLOSE);
        assertThat(options("Keep-Alive")).isEqualTo(HttpChars.KEEP_ALIVE);
        assertThat(options(" keep-alive ,\tUPGRADE")).isEqualTo(HttpChars.KEEP_ALIVE | HttpChars.UPGRADE);
        assertThat(options(",,close,")).isEqualTo(HttpChars.CLOSE);
        assertThat(options("upgrade, close, keep-alive"))
                .isEqualTo(HttpChars.CLOSE | HttpChars.KEEP_ALIVE | HttpChars.UPGRADE);
    }

    @Test
    void connectionOptionsIgnoreOtherTokensAndSubstrings() {
        assertThat(options("")).isZero();
        assertThat(options("closed")).isZero();
        assertThat(options("x-close, keep-alive-ish, te")).isZero();
    }

    @Test
    void onlyTheLastTransferCodingDecidesChunked() {
        assertThat(chunked("chunked")).isTrue();
        assertThat(chunked("gzip, Chunked ")).isTrue();
        assertThat(chunked("gzip,chunked")).isTrue();
        assertThat(chunked("chunked, gzip")).isFalse();
        assertThat(chunked("xchunked")).isFalse();
        assertThat(chunked("")).isFalse();
    }

    /** The value sits inside a larger buffer, as it does in a head, so offsets are exercised too. */
    private static int options(String value) {
        ByteBuf b = Unpooled.copiedBuffer("Connection: " + value + "\r\n", StandardCharsets.US_ASCII);
        try {
            return HttpChars.connectionOptions(b, 12, value.length());
        } finally {
            b.release();
        }
    }

    private static boolean chunked(String value) {
        ByteBuf b = Unpooled.copiedBuffer("Transfer-Encoding: " + value + "\r\n", StandardCharsets.US_ASCII);
        try {
            return HttpChars.lastCodingChunked(b, 19, value.length());
        } finally {
            b.release();
        }
    }
}
