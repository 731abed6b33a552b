package io.dualmode.sidecar.protocol.example;

import static io.dualmode.sidecar.protocol.CodecHarness.hex;

import io.dualmode.sidecar.protocol.FuzzEngine;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TinyRpcFuzzTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void survivesRandomAndMutatedFrames() {
        FuzzEngine engine = new FuzzEngine(
                new TinyRpcProtocolPlugin(),
                List.of(
                        hex("5452 00 04 00000007 00000002 6563686f 6869"),
                        hex("5452 04 04 00000007 00000000 6563686f"),
                        hex("5452 02 00 00000008 00000000"),
                        hex("5452 09 00 00000008 00000002 6e6f")),
                42);
        System.out.println(engine.run());
    }
}
