package io.dualmode.sidecar.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated and spliced HTTP/1.1 requests, fed in random slices: the scanner never throws, every
 * emitted buffer is released exactly once, a rejection is final, and the bytes forwarded for an
 * input that was not rejected are a contiguous run of the bytes received (nothing invented, nothing
 * reordered).
 */
class RequestScannerFuzzTest {
    private static final String[] SEEDS = {
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
        "HEAD / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n",
    };
    private static final String[] NOISE = {
        "\r",
        "\n",
        "\r\n",
        " ",
        "\t",
        ":",
        "0",
        "-1",
        "ffffffffffffffffff",
        "\0",
        "Content-Length: 3\r\n",
        "Transfer-Encoding: chunked\r\n",
        "Host: b\r\n",
        "\u00ff"
    };

    @Test
    void randomInputNeverBreaksTheScanner() {
        Random random = new Random(20261122);
        for (int round = 0; round < 1000; round++) {
            String input = mutate(random, SEEDS[random.nextInt(SEEDS.length)] + SEEDS[random.nextInt(SEEDS.length)]);
            run(random, input.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static String mutate(Random random, String s) {
        StringBuilder sb = new StringBuilder(s);
        int edits = random.nextInt(4);
        for (int i = 0; i < edits && sb.length() > 0; i++) {
            int at = random.nextInt(sb.length());
            switch (random.nextInt(3)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, NOISE[random.nextInt(NOISE.length)]);
                default -> sb.setCharAt(at, (char) random.nextInt(256));
            }
        }
        return sb.toString();
    }

    private static void run(Random random, byte[] input) {
        EmbeddedChannel channel = new EmbeddedChannel(new RequestScanner(512, 1000));
        ByteBuf forwarded = Unpooled.buffer();
        boolean rejected = false;
        int pos = 0;
        while (pos < input.length) {
            int n = 1 + random.nextInt(input.length - pos);
            channel.writeInbound(Unpooled.wrappedBuffer(input, pos, n));
            pos += n;
            Object msg;
            while ((msg = channel.readInbound()) != null) {
                assertThat(rejected).as("nothing may follow a rejection").isFalse();
                if (msg instanceof ScanError) {
                    rejected = true;
                } else if (msg instanceof RequestHead head) {
                    forwarded.writeBytes(
                            head.content(),
                            head.content().readerIndex(),
                            head.content().readableBytes());
                } else if (msg instanceof ByteBuf buf) {
                    forwarded.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
                }
                ReferenceCountUtil.release(msg);
            }
        }
        if (!rejected) {
            byte[] out = new byte[forwarded.readableBytes()];
            forwarded.readBytes(out);
            String in = new String(input, StandardCharsets.ISO_8859_1);
            assertThat(in).contains(new String(out, StandardCharsets.ISO_8859_1));
        }
        forwarded.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
