package io.dualmode.sidecar.protocol.bolt;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.remoting.Connection;
import com.alipay.remoting.ResponseStatus;
import com.alipay.remoting.config.switches.ProtocolSwitch;
import com.alipay.remoting.rpc.HeartbeatAckCommand;
import com.alipay.remoting.rpc.HeartbeatCommand;
import com.alipay.remoting.rpc.RequestCommand;
import com.alipay.remoting.rpc.RpcCommand;
import com.alipay.remoting.rpc.RpcCommandType;
import com.alipay.remoting.rpc.protocol.RpcCommandDecoder;
import com.alipay.remoting.rpc.protocol.RpcCommandDecoderV2;
import com.alipay.remoting.rpc.protocol.RpcCommandEncoder;
import com.alipay.remoting.rpc.protocol.RpcCommandEncoderV2;
import com.alipay.remoting.rpc.protocol.RpcRequestCommand;
import com.alipay.remoting.rpc.protocol.RpcResponseCommand;
import com.caucho.hessian.io.Hessian2Input;
import io.dualmode.sidecar.protocol.CodecHarness;
import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.RoutingKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Our codec against SOFA Bolt 1.6.10's own command encoders and decoders (the ones SOFARPC 5.13.2 runs), and our
 * error content against SOFA-hessian 3.5.5. The commands are built as SOFARPC builds them (class, header map,
 * content) but by hand: SOFARPC's own serializer is not on the test class path.
 */
class BoltRealCodecTest {

    private static final BoltProtocolPlugin BOLT = new BoltProtocolPlugin();
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    /** Bolt's decoders log the peer as an {@link InetSocketAddress}. */
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter()) {
        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("127.0.0.1", 12200);
        }

        @Override
        protected SocketAddress localAddress0() {
            return new InetSocketAddress("127.0.0.1", 40000);
        }
    };

    private final ChannelHandlerContext ctx = channel.pipeline().firstContext();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void readsARealV1Request() throws Exception {
        ByteBuf bytes = encodeV1(request(7, "probe.HelloService:1.0:g1", "hello"));
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(bytes).single();
            assertThat(frame.requestId()).isEqualTo(7);
            assertThat(frame.timeoutMillis()).isEqualTo(1500);
            assertThat(frame.routingKey()).isEqualTo(new RoutingKey("probe.HelloService", "1.0", "g1", "hello"));
        }
    }

    @Test
    void rewrittenV2CrcRequestsStillPassBoltsCrcCheck() throws Exception {
        channel.attr(Connection.VERSION).set((byte) 2);
        RpcRequestCommand request = request(7, "a.B:1.0", "m");
        request.setProtocolSwitch(ProtocolSwitch.create(new int[] {ProtocolSwitch.CRC_SWITCH_INDEX}));
        ByteBuf bytes = encode(new RpcCommandEncoderV2(), request);
        assertThat(bytes.getUnsignedByte(0)).isEqualTo((short) 2);
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(bytes).single();
            assertThat(frame.routingKey().service()).isEqualTo("a.B");
            BOLT.rewriteRequestId(frame, 0x7fff0001L);
            RpcRequestCommand decoded =
                    (RpcRequestCommand) decodeV2(frame.content().retainedDuplicate());
            assertThat(decoded.getId()).isEqualTo(0x7fff0001);
            assertThat(decoded.getTimeout()).isEqualTo(1500);
        }
    }

    @Test
    void boltReadsOurErrorAsASofaResponseWithTheMessage() throws Exception {
        String message = "sidecar: no route to probe.HelloService:1.0 é中 " + "x".repeat(2000);
        RpcResponseCommand response =
                (RpcResponseCommand) decodeV1(errorFor(encodeV1(request(9, "a:1.0", "m")), message));
        assertThat(response.getId()).isEqualTo(9);
        assertThat(response.getResponseStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(new String(response.getClazz(), StandardCharsets.UTF_8)).isEqualTo(BoltReplies.RESPONSE_CLASS);
        assertThat(headerMap(response.getHeader())).containsEntry("sofa_head_response_error", "true");
        Object content = new Hessian2Input(new ByteArrayInputStream(response.getContent())).readObject();
        assertThat(content).isInstanceOf(Map.class);
        Map<?, ?> fields = (Map<?, ?>) content;
        assertThat(fields.get("isError")).isEqualTo(true);
        assertThat(fields.get("errorMsg")).isEqualTo(message);
    }

    @Test
    void boltReadsOurReplyToAnOversizeCall() throws Exception {
        RpcRequestCommand big = request(12, "a:1.0", "m");
        big.setContent(new byte[5000]);
        try (CodecHarness codec = new CodecHarness(BOLT, 1024)) {
            codec.write(encodeV1(big));
            RpcResponseCommand response =
                    (RpcResponseCommand) decodeV1(codec.channel().readOutbound());
            assertThat(response.getId()).isEqualTo(12);
            Object content = new Hessian2Input(new ByteArrayInputStream(response.getContent())).readObject();
            assertThat(((Map<?, ?>) content).get("errorMsg").toString()).contains("over the sidecar's limit of 1024");
            assertThat(codec.channel().isOpen()).isTrue();
        }
    }

    @Test
    void boltReadsOurV2CrcError() throws Exception {
        channel.attr(Connection.VERSION).set((byte) 2);
        RpcRequestCommand request = request(11, "a:1.0", "m");
        request.setProtocolSwitch(ProtocolSwitch.create(new int[] {ProtocolSwitch.CRC_SWITCH_INDEX}));
        RpcResponseCommand response =
                (RpcResponseCommand) decodeV2(errorFor(encode(new RpcCommandEncoderV2(), request), "no route"));
        assertThat(response.getId()).isEqualTo(11);
        assertThat(response.getProtocolSwitch().isOn(ProtocolSwitch.CRC_SWITCH_INDEX))
                .isTrue();
    }

    @Test
    void boltReadsOurStatusOnlyReplies() throws Exception {
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(encodeV1(request(5, "a:1.0", "m"))).single();
            RpcResponseCommand busy =
                    (RpcResponseCommand) decodeV1(BOLT.encodeErrorResponse(frame, ErrorKind.OVERLOADED, "busy", ALLOC));
            assertThat(busy.getResponseStatus()).isEqualTo(ResponseStatus.SERVER_THREADPOOL_BUSY);
            RpcResponseCommand late =
                    (RpcResponseCommand) decodeV1(BOLT.encodeErrorResponse(frame, ErrorKind.TIMEOUT, "late", ALLOC));
            assertThat(late.getResponseStatus()).isEqualTo(ResponseStatus.TIMEOUT);
        }
    }

    @Test
    void realHeartbeatsAreHeartbeatsAndBoltAcceptsOurAck() throws Exception {
        HeartbeatCommand ping = new HeartbeatCommand();
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(encodeV1(ping)).single();
            assertThat(frame.isHeartbeat()).isTrue();
            assertThat(frame.requestId()).isEqualTo(ping.getId() & 0xffffffffL);
            Object ack = decodeV1(BOLT.encodeHeartbeatResponse(frame, ALLOC));
            assertThat(ack).isInstanceOf(HeartbeatAckCommand.class);
            assertThat(((HeartbeatAckCommand) ack).getId()).isEqualTo(ping.getId());
        }
    }

    @Test
    void realV2HeartbeatsGetAnAckBoltAccepts() throws Exception {
        channel.attr(Connection.VERSION).set((byte) 2);
        HeartbeatCommand ping = new HeartbeatCommand();
        ping.setProtocolSwitch(ProtocolSwitch.create(new int[] {ProtocolSwitch.CRC_SWITCH_INDEX}));
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(encode(new RpcCommandEncoderV2(), ping)).single();
            assertThat(frame.isHeartbeat()).isTrue();
            Object ack = decodeV2(BOLT.encodeHeartbeatResponse(frame, ALLOC));
            assertThat(ack).isInstanceOf(HeartbeatAckCommand.class);
            assertThat(((HeartbeatAckCommand) ack).getId()).isEqualTo(ping.getId());
        }
    }

    @Test
    void boltReadsOurHeartbeatRequest() throws Exception {
        Object ping = decodeV1(BOLT.encodeHeartbeatRequest(77, ALLOC));
        assertThat(ping).isInstanceOf(HeartbeatCommand.class);
        assertThat(((RequestCommand) ping).getId()).isEqualTo(77);
    }

    @Test
    void boltStatusCodesAreOurs() {
        for (BoltStatus status : BoltStatus.values()) {
            assertThat(ResponseStatus.valueOf((short) status.code()).name()).isEqualTo(status.name());
        }
    }

    private ByteBuf errorFor(ByteBuf requestBytes, String message) {
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(requestBytes).single();
            return BOLT.encodeErrorResponse(frame, ErrorKind.NO_ROUTE, message, ALLOC);
        }
    }

    private static RpcRequestCommand request(int id, String service, String method) {
        RpcRequestCommand request = new RpcRequestCommand();
        request.setId(id);
        request.setType(RpcCommandType.REQUEST);
        request.setSerializer((byte) 1);
        request.setTimeout(1500);
        request.setClazz(BoltBytes.REQUEST_CLASS.getBytes(StandardCharsets.UTF_8));
        Map<String, String> header = new LinkedHashMap<>();
        header.put("service", service);
        header.put("sofa_head_target_service", service);
        header.put("sofa_head_method_name", method);
        header.put("protocol", "bolt");
        request.setHeader(BoltBytes.headerMap(header));
        request.setContent(new byte[] {0x4f, 0x01, 0x02});
        return request;
    }

    private ByteBuf encodeV1(RpcCommand command) throws Exception {
        return encode(new RpcCommandEncoder(), command);
    }

    private ByteBuf encode(com.alipay.remoting.CommandEncoder encoder, RpcCommand command) throws Exception {
        ByteBuf out = ALLOC.buffer();
        encoder.encode(ctx, command, out);
        return out;
    }

    private Object decodeV1(ByteBuf bytes) throws Exception {
        return decode(new RpcCommandDecoder(), bytes);
    }

    private Object decodeV2(ByteBuf bytes) throws Exception {
        return decode(new RpcCommandDecoderV2(), bytes);
    }

    private Object decode(com.alipay.remoting.CommandDecoder decoder, ByteBuf bytes) throws Exception {
        List<Object> out = new ArrayList<>();
        try {
            decoder.decode(ctx, bytes, out);
            assertThat(bytes.isReadable()).as("bytes left after Bolt's decoder").isFalse();
        } finally {
            bytes.release();
        }
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static Map<String, String> headerMap(byte[] bytes) {
        ByteBuf buf = io.netty.buffer.Unpooled.wrappedBuffer(bytes);
        Map<String, String> map = new LinkedHashMap<>();
        while (buf.isReadable()) {
            String key =
                    buf.readCharSequence(buf.readInt(), StandardCharsets.UTF_8).toString();
            map.put(
                    key,
                    buf.readCharSequence(buf.readInt(), StandardCharsets.UTF_8).toString());
        }
        return map;
    }
}
