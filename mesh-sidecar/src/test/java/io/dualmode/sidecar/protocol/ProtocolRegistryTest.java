package io.dualmode.sidecar.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualmode.sidecar.protocol.bolt.BoltProtocolPlugin;
import io.dualmode.sidecar.protocol.dubbo.DubboProtocolPlugin;
import io.dualmode.sidecar.protocol.example.TinyRpcProtocolPlugin;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolRegistryTest {

    @Test
    void findsTheBuiltInPluginsThroughServiceLoader() {
        ProtocolRegistry registry = ProtocolRegistry.load();
        assertThat(registry.names()).containsExactlyInAnyOrder("dubbo", "bolt", "tinyrpc");
        assertThat(registry.get("dubbo")).isInstanceOf(DubboProtocolPlugin.class);
        assertThat(registry.find("bolt")).containsInstanceOf(BoltProtocolPlugin.class);
        assertThat(registry.get(List.of("bolt", "dubbo")))
                .extracting(ProtocolPlugin::name)
                .containsExactly("bolt", "dubbo");
    }

    @Test
    void namesTheKnownProtocolsWhenOneIsMissing() {
        assertThatThrownBy(() -> ProtocolRegistry.load().get("thrift"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("thrift")
                .hasMessageContaining("dubbo");
        assertThat(ProtocolRegistry.load().find("thrift")).isEmpty();
    }

    @Test
    void refusesTwoPluginsWithOneName() {
        assertThatThrownBy(() -> ProtocolRegistry.of(List.of(new DubboProtocolPlugin(), new DubboProtocolPlugin())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dubbo");
    }

    @Test
    void refusesInvalidNames() {
        ProtocolPlugin badName = new Renamed("Not Valid");
        assertThatThrownBy(() -> ProtocolRegistry.of(List.of(badName))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyBuiltInPluginDeclaresItsPolicy() {
        ProtocolRegistry registry = ProtocolRegistry.load();
        assertThat(registry.get("dubbo").stability()).isEqualTo(Stability.STABLE);
        assertThat(registry.get("bolt").stability()).isEqualTo(Stability.STABLE);
        assertThat(registry.get("dubbo").safeForUntrustedTraffic()).isTrue();
        assertThat(registry.get("bolt").safeForUntrustedTraffic()).isTrue();
        assertThat(registry.get("tinyrpc").stability()).isEqualTo(Stability.BETA);
        assertThat(registry.get("tinyrpc").safeForUntrustedTraffic()).isFalse();
    }

    /** The example plug-in under another name. */
    private static final class Renamed implements ProtocolPlugin {
        private final TinyRpcProtocolPlugin delegate = new TinyRpcProtocolPlugin();
        private final String name;

        Renamed(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Stability stability() {
            return delegate.stability();
        }

        @Override
        public boolean safeForUntrustedTraffic() {
            return false;
        }

        @Override
        public int defaultMaxFrameLength() {
            return delegate.defaultMaxFrameLength();
        }

        @Override
        public int requestIdBits() {
            return 32;
        }

        @Override
        public Detection detect(io.netty.buffer.ByteBuf in) {
            return Detection.NEED_MORE_BYTES;
        }

        @Override
        public int frameLength(io.netty.buffer.ByteBuf in, int max) {
            return delegate.frameLength(in, max);
        }

        @Override
        public Frame decodeFrame(io.netty.buffer.ByteBuf frame) {
            return delegate.decodeFrame(frame);
        }

        @Override
        public void rewriteRequestId(Frame frame, long newId) {
            delegate.rewriteRequestId(frame, newId);
        }

        @Override
        public io.netty.buffer.ByteBuf encodeErrorResponse(
                Frame request, ErrorKind kind, String message, io.netty.buffer.ByteBufAllocator alloc) {
            return delegate.encodeErrorResponse(request, kind, message, alloc);
        }

        @Override
        public io.netty.buffer.ByteBuf encodeHeartbeatResponse(
                Frame heartbeat, io.netty.buffer.ByteBufAllocator alloc) {
            return delegate.encodeHeartbeatResponse(heartbeat, alloc);
        }

        @Override
        public io.netty.buffer.ByteBuf encodeHeartbeatRequest(long id, io.netty.buffer.ByteBufAllocator alloc) {
            return delegate.encodeHeartbeatRequest(id, alloc);
        }
    }

    /** A plug-in that never decides, for the detection handler's byte limit. */
    static ProtocolPlugin undecided() {
        return new Renamed("undecided");
    }
}
