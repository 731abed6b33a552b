package io.dualmode.sidecar.protocol;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/** Writes {@link Frame}s as their raw bytes, unchanged. Stateless: one instance serves every pipeline. */
@Sharable
public final class FrameEncoder extends MessageToMessageEncoder<Frame> {

    /** The shared instance. */
    public static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {}

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        out.add(frame.content().retain());
    }
}
