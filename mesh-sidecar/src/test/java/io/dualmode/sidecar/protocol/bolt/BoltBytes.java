package io.dualmode.sidecar.protocol.bolt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;

/** Bolt frames built by hand from the layout in {@code shared/protocols/bolt.md}. */
public final class BoltBytes {

    static final String REQUEST_CLASS = "com.alipay.sofa.rpc.core.request.SofaRequest";

    int version = 1;
    int ver1 = 1;
    int type = 1;
    int cmd = 1;
    int id = 3;
    int codec = 1;
    int switchByte = 0;
    int timeoutOrStatus = 3000;
    byte[] className = REQUEST_CLASS.getBytes(StandardCharsets.US_ASCII);
    byte[] header = new byte[0];
    byte[] content = "opaque content".getBytes(StandardCharsets.US_ASCII);

    public static BoltBytes request(String service, String method) {
        BoltBytes bytes = new BoltBytes();
        bytes.header = headerMap(Map.of("service", service, "sofa_head_method_name", method, "type", "sync"));
        return bytes;
    }

    static BoltBytes response(int status) {
        BoltBytes bytes = new BoltBytes();
        bytes.type = 0;
        bytes.cmd = 2;
        bytes.timeoutOrStatus = status;
        bytes.className = BoltReplies.RESPONSE_CLASS.getBytes(StandardCharsets.US_ASCII);
        return bytes;
    }

    public BoltBytes v2(int ver1, int switchByte) {
        this.version = 2;
        this.ver1 = ver1;
        this.switchByte = switchByte;
        return this;
    }

    static byte[] headerMap(Map<String, String> entries) {
        ByteBuf out = Unpooled.buffer();
        entries.forEach((key, value) -> {
            writeString(out, key);
            writeString(out, value);
        });
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    private static void writeString(ByteBuf out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length).writeBytes(bytes);
    }

    public ByteBuf build() {
        ByteBuf out = Unpooled.buffer();
        out.writeByte(version);
        if (version == 2) {
            out.writeByte(ver1);
        }
        out.writeByte(type).writeShort(cmd).writeByte(1).writeInt(id).writeByte(codec);
        if (version == 2) {
            out.writeByte(switchByte);
        }
        if (type == 0) {
            out.writeShort(timeoutOrStatus);
        } else {
            out.writeInt(timeoutOrStatus);
        }
        out.writeShort(className.length).writeShort(header.length).writeInt(content.length);
        out.writeBytes(className).writeBytes(header).writeBytes(content);
        if (version == 2 && ver1 == 2 && (switchByte & 1) != 0) {
            out.writeInt(crc(out, 0, out.writerIndex()));
        }
        return out;
    }

    static int crc(ByteBuf buf, int start, int end) {
        CRC32 crc = new CRC32();
        crc.update(buf.nioBuffer(start, end - start));
        return (int) crc.getValue();
    }
}
