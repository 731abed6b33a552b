package io.dualmode.sidecar.protocol.bolt;

import static io.dualmode.sidecar.protocol.bolt.BoltLayout.CMD_HEARTBEAT;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.CMD_RESPONSE;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.CODEC_HESSIAN2;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.CODEC_JSON;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.CODEC_PROTOBUF;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.CRC_LENGTH;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.TYPE_RESPONSE;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.V2;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.VER2;

import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.internal.Hessian2Strings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Responses the sidecar writes itself. Errors are either status only, or a successful response carrying a
 * {@code SofaResponse} with {@code isError = true} and our message, which SOFARPC shows as is.
 */
final class BoltReplies {

    static final String RESPONSE_CLASS = "com.alipay.sofa.rpc.core.response.SofaResponse";

    private static final byte[] CLASS_BYTES = RESPONSE_CLASS.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR_HEADER = errorHeader();
    private static final byte[] HESSIAN_PREFIX = hessianPrefix();

    private BoltReplies() {}

    /** {@code 00000018 "sofa_head_response_error" 00000004 "true"}. */
    private static byte[] errorHeader() {
        ByteBuf out = Unpooled.buffer();
        writeEntry(out, BoltHeaders.RESPONSE_ERROR);
        writeEntry(out, "true");
        return ByteBufUtil.getBytes(out);
    }

    private static void writeEntry(ByteBuf out, String value) {
        out.writeInt(value.length()).writeCharSequence(value, StandardCharsets.US_ASCII);
    }

    /** The SofaResponse object header SOFA-hessian writes: type definition with four fields, then the instance. */
    private static byte[] hessianPrefix() {
        ByteBuf out = Unpooled.buffer();
        out.writeByte('O').writeByte(0x90 + CLASS_BYTES.length).writeBytes(CLASS_BYTES);
        out.writeByte(0x90 + 4);
        for (String field : new String[] {"isError", "errorMsg", "appResponse", "responseProps"}) {
            Hessian2Strings.write(out, field, false);
        }
        out.writeByte('o').writeByte(0x90);
        return ByteBufUtil.getBytes(out);
    }

    static ByteBuf error(Frame request, ErrorKind kind, String message, ByteBufAllocator alloc) {
        int codec = codec(request);
        return switch (kind) {
            case OVERLOADED -> statusOnly(request, BoltStatus.SERVER_THREADPOOL_BUSY, alloc);
            case TIMEOUT -> statusOnly(request, BoltStatus.TIMEOUT, alloc);
            default ->
                hasRichForm(codec)
                        ? rich(request, content(codec, message), alloc)
                        : statusOnly(
                                request,
                                kind == ErrorKind.NO_ROUTE ? BoltStatus.NO_PROCESSOR : BoltStatus.ERROR,
                                alloc);
        };
    }

    private static boolean hasRichForm(int codec) {
        return codec == CODEC_HESSIAN2 || codec == CODEC_PROTOBUF || codec == CODEC_JSON;
    }

    private static int codec(Frame request) {
        ByteBuf in = request.content();
        return in.getUnsignedByte(in.readerIndex() + BoltLayout.codecOffset(in.getUnsignedByte(in.readerIndex())));
    }

    static ByteBuf statusOnly(Frame request, BoltStatus status, ByteBufAllocator alloc) {
        return response(request, CMD_RESPONSE, status, null, alloc);
    }

    static ByteBuf heartbeatAck(Frame heartbeat, ByteBufAllocator alloc) {
        return response(heartbeat, CMD_HEARTBEAT, BoltStatus.SUCCESS, null, alloc);
    }

    private static ByteBuf rich(Frame request, byte[] content, ByteBufAllocator alloc) {
        return response(request, CMD_RESPONSE, BoltStatus.SUCCESS, content, alloc);
    }

    private static byte[] content(int codec, String message) {
        return switch (codec) {
            case CODEC_HESSIAN2 -> hessianContent(message);
            case CODEC_PROTOBUF -> message.getBytes(StandardCharsets.UTF_8);
            default -> JsonString.of(message).getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] hessianContent(String message) {
        ByteBuf out = Unpooled.buffer(HESSIAN_PREFIX.length + 8 + message.length() * 3);
        out.writeBytes(HESSIAN_PREFIX).writeByte('T');
        Hessian2Strings.write(out, message, false);
        out.writeByte('N').writeByte('N');
        return ByteBufUtil.getBytes(out);
    }

    /**
     * A response to {@code request} with its id, codec and (v2) ver1 and switch; a body when {@code content} is
     * not null (then with the SofaResponse class and the error header).
     */
    private static ByteBuf response(Frame request, int cmd, BoltStatus status, byte[] content, ByteBufAllocator alloc) {
        ByteBuf in = request.content();
        int start = in.readerIndex();
        int version = in.getUnsignedByte(start);
        boolean crc = BoltLayout.hasCrc(in, start);
        ByteBuf out = alloc.buffer(64 + (content == null ? 0 : content.length + 128));
        out.writeByte(version);
        if (version == V2) {
            out.writeByte(in.getUnsignedByte(start + 1));
        }
        out.writeByte(TYPE_RESPONSE).writeShort(cmd).writeByte(VER2).writeInt((int) request.requestId());
        out.writeByte(in.getUnsignedByte(start + BoltLayout.codecOffset(version)));
        if (version == V2) {
            out.writeByte(cmd == CMD_HEARTBEAT ? 0 : in.getUnsignedByte(start + BoltLayout.switchOffset()));
        }
        out.writeShort(status.code());
        writeBody(out, content);
        if (crc && cmd != CMD_HEARTBEAT) {
            out.writeZero(CRC_LENGTH);
            BoltCrc.write(out, out.readerIndex());
        }
        return out;
    }

    private static void writeBody(ByteBuf out, byte[] content) {
        if (content == null) {
            out.writeShort(0).writeShort(0).writeInt(0);
            return;
        }
        out.writeShort(CLASS_BYTES.length).writeShort(ERROR_HEADER.length).writeInt(content.length);
        out.writeBytes(CLASS_BYTES).writeBytes(ERROR_HEADER).writeBytes(content);
    }

    /** A v1 heartbeat request, as SOFARPC sends it: timeout -1, no body. */
    static ByteBuf heartbeatRequest(long id, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(22);
        out.writeByte(BoltLayout.V1).writeByte(BoltLayout.TYPE_REQUEST).writeShort(CMD_HEARTBEAT);
        out.writeByte(VER2).writeInt((int) id).writeByte(CODEC_HESSIAN2).writeInt(-1);
        return out.writeShort(0).writeShort(0).writeInt(0);
    }
}
