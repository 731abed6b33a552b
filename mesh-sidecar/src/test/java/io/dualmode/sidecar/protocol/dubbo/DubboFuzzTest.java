package io.dualmode.sidecar.protocol.dubbo;

import static io.dualmode.sidecar.protocol.CodecHarness.hex;

import io.dualmode.sidecar.protocol.FuzzEngine;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DubboFuzzTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void survivesRandomAndMutatedFrames() {
        FuzzEngine engine = new FuzzEngine(
                new DubboProtocolPlugin(),
                List.of(
                        DubboBytes.call(-10, "probe.HelloService", "1.0.0", "hello"),
                        DubboBytes.call(1, "x".repeat(40), null, "m"),
                        DubboBytes.frame(DubboBytes.ONE_WAY_CALL, 0, 5, DubboBytes.body("a.A", "1", "m")),
                        hex("dabb e2 00 0000000000000007 00000001 4e"),
                        hex("dabb 22 14 0000000000000007 00000001 4e"),
                        hex("dabb a2 00 0000000000000003 00000002 0152"),
                        hex("dabb 02 14 0000000000000009 00000004 91 02 01 61"),
                        hex("dabb 02 3c 0000000000000009 00000003 02 6e 6f")),
                42);
        System.out.println(engine.run());
    }
}
