package io.dualmode.sidecar.protocol.dubbo;

import io.dualmode.sidecar.protocol.internal.Hessian2Strings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Dubbo frames built by hand from the layout in {@code shared/protocols/dubbo.md}. */
public final class DubboBytes {

    static final int CALL = 0xc2;
    public static final int ONE_WAY_CALL = 0x82;

    private DubboBytes() {}

    public static ByteBuf frame(int flag, int status, long id, ByteBuf body) {
        ByteBuf out = Unpooled.buffer();
        out.writeShort(0xdabb).writeByte(flag).writeByte(status).writeLong(id).writeInt(body.readableBytes());
        out.writeBytes(body);
        body.release();
        return out;
    }

    /** A call body: the five leading strings, then opaque bytes standing for arguments and attachments. */
    public static ByteBuf call(long id, String path, String version, String method) {
        return frame(CALL, 0, id, body(path, version, method));
    }

    public static ByteBuf body(String path, String version, String method) {
        ByteBuf body = Unpooled.buffer();
        Hessian2Strings.write(body, "2.0.2", true);
        Hessian2Strings.write(body, path, true);
        if (version == null) {
            body.writeByte('N');
        } else {
            Hessian2Strings.write(body, version, true);
        }
        Hessian2Strings.write(body, method, true);
        Hessian2Strings.write(body, "Ljava/lang/String;", true);
        return body.writeBytes(new byte[] {0x05, 'w', 'o', 'r', 'l', 'd', 'H', 'Z'});
    }
}
