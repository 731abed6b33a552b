package io.dualmode.sidecar.protocol.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.protocol.CodecHarness;
import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.RoutingKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.remoting.Channel;
import org.apache.dubbo.remoting.ChannelHandler;
import org.apache.dubbo.remoting.buffer.ChannelBuffer;
import org.apache.dubbo.remoting.buffer.ChannelBuffers;
import org.apache.dubbo.remoting.exchange.Request;
import org.apache.dubbo.remoting.exchange.Response;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.apache.dubbo.rpc.protocol.dubbo.DubboCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our codec against Dubbo 3.3's own {@code DubboCodec}: frames Dubbo encodes decode with ours, and the replies we
 * write decode with Dubbo's into the {@link Response} status and error message its consumer turns into an
 * {@code RpcException}. The transport is a stub {@link Channel}: only the codec runs, no network.
 */
class DubboRealCodecTest {

    private static final DubboProtocolPlugin DUBBO = new DubboProtocolPlugin();
    private static final FrameworkModel MODEL = new FrameworkModel();
    private static final DubboCodec REAL = new DubboCodec(MODEL);
    private static final Channel CHANNEL =
            new StubChannel(URL.valueOf("dubbo://127.0.0.1:20880/probe.HelloService?serialization=hessian2")
                    .setScopeModel(MODEL.newApplication()));

    @AfterAll
    static void destroyModel() {
        MODEL.destroy();
    }

    @Test
    void readsTheRoutingKeyOfARealCall() throws IOException {
        Request request = call(true);
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame frame = codec.write(encode(request)).single();
            assertThat(frame.isRequest()).isTrue();
            assertThat(frame.isOneWay()).isFalse();
            assertThat(frame.requestId()).isEqualTo(request.getId());
            assertThat(frame.routingKey()).isEqualTo(new RoutingKey("probe.HelloService", "1.0.0", "", "hello"));
        }
    }

    @Test
    void readsARealOneWayCall() throws IOException {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            assertThat(codec.write(encode(call(false))).single().isOneWay()).isTrue();
        }
    }

    @Test
    void realHeartbeatsAreHeartbeatsAndOurAnswerIsOne() throws IOException {
        Request ping = new Request();
        ping.setTwoWay(true);
        ping.setEvent(true);
        ping.setData(null);
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame frame = codec.write(encode(ping)).single();
            assertThat(frame.isHeartbeat()).isTrue();
            Response pong = (Response) decode(DUBBO.encodeHeartbeatResponse(frame, ByteBufAllocator.DEFAULT));
            assertThat(pong.isHeartbeat()).isTrue();
            assertThat(pong.getId()).isEqualTo(ping.getId());
            assertThat(pong.getStatus()).isEqualTo(Response.OK);
        }
    }

    @Test
    void ourHeartbeatRequestIsOneForDubbo() throws IOException {
        Request ping = (Request) decode(DUBBO.encodeHeartbeatRequest(-5, ByteBufAllocator.DEFAULT));
        assertThat(ping.isHeartbeat()).isTrue();
        assertThat(ping.isTwoWay()).isTrue();
        assertThat(ping.getId()).isEqualTo(-5);
    }

    @ParameterizedTest
    @EnumSource(ErrorKind.class)
    void dubboReadsOurErrorsWithTheirStatusAndMessage(ErrorKind kind) throws IOException {
        String message = "sidecar: " + kind + " for probe.HelloService:1.0.0 é中 " + "x".repeat(1100);
        Request request = call(true);
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame frame = codec.write(encode(request)).single();
            Response response =
                    (Response) decode(DUBBO.encodeErrorResponse(frame, kind, message, ByteBufAllocator.DEFAULT));
            assertThat(response.getId()).isEqualTo(request.getId());
            assertThat(response.getStatus())
                    .isEqualTo((byte) DubboStatus.of(kind).code());
            assertThat(response.getErrorMessage()).isEqualTo(message);
        }
    }

    @Test
    void aFastjson2CallHasNoRoutingKeyButGetsAHessianErrorDubboReads() throws IOException {
        Channel fastjson =
                new StubChannel(URL.valueOf("dubbo://127.0.0.1:20880/probe.HelloService?serialization=fastjson2")
                        .setScopeModel(MODEL.newApplication()));
        ChannelBuffer out = ChannelBuffers.dynamicBuffer(256);
        Request request = call(true);
        REAL.encode(fastjson, out, request);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame frame = codec.write(Unpooled.wrappedBuffer(bytes)).single();
            assertThat(frame.content().getUnsignedByte(2) & 0x1f).isEqualTo(23);
            assertThat(frame.routingKey()).isEqualTo(RoutingKey.NONE);
            Response response = (Response) decode(
                    DUBBO.encodeErrorResponse(frame, ErrorKind.BAD_REQUEST, "unroutable", ByteBufAllocator.DEFAULT));
            assertThat(response.getStatus()).isEqualTo(Response.BAD_REQUEST);
            assertThat(response.getErrorMessage()).isEqualTo("unroutable");
        }
    }

    @Test
    void dubboReadsOurReplyToAnOversizeCall() throws IOException {
        Request request = call(true);
        ((RpcInvocation) request.getData()).setArguments(new Object[] {"x".repeat(5000)});
        try (CodecHarness codec = new CodecHarness(DUBBO, 1024)) {
            codec.write(encode(request));
            Response response = (Response) decode(codec.channel().readOutbound());
            assertThat(response.getId()).isEqualTo(request.getId());
            assertThat(response.getStatus()).isEqualTo(Response.BAD_REQUEST);
            assertThat(response.getErrorMessage()).contains("over the sidecar's limit of 1024 bytes");
            assertThat(codec.channel().isOpen()).isTrue();
        }
    }

    @Test
    void dubbosStatusCodesAreOurs() {
        assertThat(DubboStatus.SERVICE_NOT_FOUND.code()).isEqualTo(Response.SERVICE_NOT_FOUND);
        assertThat(DubboStatus.SERVER_THREADPOOL_EXHAUSTED_ERROR.code())
                .isEqualTo(Response.SERVER_THREADPOOL_EXHAUSTED_ERROR);
        assertThat(DubboStatus.SERVER_TIMEOUT.code()).isEqualTo(Response.SERVER_TIMEOUT);
        assertThat(DubboStatus.BAD_REQUEST.code()).isEqualTo(Response.BAD_REQUEST);
        assertThat(DubboStatus.SERVICE_ERROR.code()).isEqualTo(Response.SERVICE_ERROR);
        assertThat(DubboStatus.SERVER_ERROR.code()).isEqualTo(Response.SERVER_ERROR);
        assertThat(DubboStatus.CLIENT_ERROR.code()).isEqualTo(Response.CLIENT_ERROR);
        assertThat(DubboStatus.CHANNEL_INACTIVE.code()).isEqualTo(Response.CHANNEL_INACTIVE);
    }

    private static Request call(boolean twoWay) {
        RpcInvocation invocation = new RpcInvocation(
                "hello", "probe.HelloService", "probe.HelloService:1.0.0", new Class<?>[] {String.class}, new Object[] {
                    "world"
                });
        invocation.setAttachment("path", "probe.HelloService");
        invocation.setAttachment("interface", "probe.HelloService");
        invocation.setAttachment("version", "1.0.0");
        invocation.setAttachment("group", "g1");
        invocation.setAttachment("timeout", "1500");
        Request request = new Request();
        request.setVersion("2.0.2");
        request.setTwoWay(twoWay);
        request.setData(invocation);
        return request;
    }

    private static ByteBuf encode(Object message) throws IOException {
        ChannelBuffer out = ChannelBuffers.dynamicBuffer(256);
        REAL.encode(CHANNEL, out, message);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return Unpooled.wrappedBuffer(bytes);
    }

    private static Object decode(ByteBuf ours) throws IOException {
        byte[] bytes = ByteBufUtil.getBytes(ours);
        ours.release();
        ChannelBuffer in = ChannelBuffers.wrappedBuffer(bytes);
        Object decoded = REAL.decode(CHANNEL, in);
        assertThat(in.readableBytes()).isZero();
        return decoded;
    }

    /** Just enough of a Dubbo channel for its codec: a URL and attributes. */
    private static final class StubChannel implements Channel {
        private final URL url;
        private final Map<String, Object> attributes = new HashMap<>();

        StubChannel(URL url) {
            this.url = url;
        }

        @Override
        public URL getUrl() {
            return url;
        }

        @Override
        public ChannelHandler getChannelHandler() {
            return null;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return new InetSocketAddress("127.0.0.1", 20880);
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return new InetSocketAddress("127.0.0.1", 40000);
        }

        @Override
        public void send(Object message) {}

        @Override
        public void send(Object message, boolean sent) {}

        @Override
        public void close() {}

        @Override
        public void close(int timeout) {}

        @Override
        public void startClose() {}

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public boolean hasAttribute(String key) {
            return attributes.containsKey(key);
        }

        @Override
        public Object getAttribute(String key) {
            return attributes.get(key);
        }

        @Override
        public void setAttribute(String key, Object value) {
            attributes.put(key, value);
        }

        @Override
        public void removeAttribute(String key) {
            attributes.remove(key);
        }
    }
}
