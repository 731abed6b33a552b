package io.dualmode.sidecar.internal.h2;

import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;

/**
 * The frame codecs of the proxy's HTTP/2 connections. They share the flow window of a connection among its streams
 * evenly ({@link UniformStreamByteDistributor}) rather than by the priority tree Netty builds by default: RFC 9113
 * deprecates stream priorities, a proxy passes none on, and the tree cost a proxied request about 350 bytes of
 * allocation and its bookkeeping on each stream's opening and closing.
 */
final class H2Codecs extends Http2FrameCodecBuilder {
    private H2Codecs(boolean server) {
        DefaultHttp2Connection connection = new DefaultHttp2Connection(server);
        connection
                .remote()
                .flowController(
                        new DefaultHttp2RemoteFlowController(connection, new UniformStreamByteDistributor(connection)));
        connection(connection);
        gracefulShutdownTimeoutMillis(0);
    }

    /** The codec of a downstream connection: the sidecar is the server, and announces {@code settings}. */
    static Http2FrameCodec server(Http2Settings settings) {
        return new H2Codecs(true)
                .initialSettings(settings)
                .validateHeaders(true)
                .build();
    }

    /**
     * The codec of an upstream connection. It counts neither the RST_STREAM frames it sends nor those it receives
     * (Netty's defences against rapid resets close a connection after 200 either way in 30 s): every caller's streams
     * to that upstream share the connection, and each stream a caller abandons is cancelled upstream, so a few callers
     * that reset their streams, or whose requests the upstream refuses, would otherwise cut off every other caller's
     * calls. The downstream side keeps both defences, per caller connection.
     */
    static Http2FrameCodec client() {
        return new H2Codecs(false)
                .validateHeaders(true) // a response header the caller could not take is the upstream's fault, not ours
                .decoderEnforceMaxRstFramesPerWindow(0, 0)
                .encoderEnforceMaxRstFramesPerWindow(0, 0)
                .build();
    }
}
