package io.dualmode.sidecar.protocol.bolt;

import static io.dualmode.sidecar.protocol.CodecHarness.hex;

import io.dualmode.sidecar.protocol.FuzzEngine;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BoltFuzzTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void survivesRandomAndMutatedFrames() {
        BoltBytes oneWay = BoltBytes.request("a.A:1.0", "m");
        oneWay.type = 2;
        BoltBytes errorResponse = BoltBytes.response(0);
        errorResponse.header = BoltBytes.headerMap(Map.of("sofa_head_response_error", "true"));
        BoltBytes json = BoltBytes.request("a.A:1.0", "m").v2(1, 0);
        json.codec = 12;
        FuzzEngine engine = new FuzzEngine(
                new BoltProtocolPlugin(),
                List.of(
                        BoltBytes.request("probe.HelloService:1.0:g1", "hello").build(),
                        BoltBytes.request("a.A:1.0", "m").v2(2, 1).build(),
                        json.build(),
                        oneWay.build(),
                        BoltBytes.response(0).build(),
                        BoltBytes.response(6).v2(2, 1).build(),
                        errorResponse.build(),
                        hex("01 01 0000 01 0000002a 01 ffffffff 0000 0000 00000000"),
                        hex("01 00 0000 01 0000002a 01 0000 0000 0000 00000000"),
                        hex("02 02 01 0000 01 0000002a 01 01 ffffffff 0000 0000 00000000 00000000")),
                42);
        System.out.println(engine.run());
    }
}
