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

    private static int options(String value) {
        return inField("Connection: ", value, HttpChars::connectionOptions);
    }

    private static boolean chunked(String value) {
        return inField("Transfer-Encoding: ", value, HttpChars::lastCodingChunked);
    }

    private interface ValueReader<T> {
        T read(ByteBuf buf, int from, int len);
    }

    /** Reads a value where it sits in a head, after its field name, so offsets are exercised too. */
    private static <T> T inField(String name, String value, ValueReader<T> reader) {
        ByteBuf b = Unpooled.copiedBuffer(name + value + "\r\n", StandardCharsets.US_ASCII);
        try {
            return reader.read(b, name.length(), value.length());
        } finally {
            b.release();
        }
    }
}
