package io.dualmode.sidecar.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A protocol the sidecar can forward: a name, a detector, a header-only frame codec, a request-id rewriter and
 * the protocol's own error and heartbeat replies.
 *
 * <p>Implementations are registered with {@link java.util.ServiceLoader} (a line in
 * {@code META-INF/services/io.dualmode.sidecar.protocol.ProtocolPlugin}) and must be stateless and thread-safe:
 * one instance serves every connection. The body of a frame is never parsed or copied; only the header and what
 * routing needs are read. Methods that read bytes use absolute indexes and never move reader or writer indexes
 * unless they say so. Bad bytes are reported by throwing {@link ProtocolDecoderException}; any other exception
 * means a bug.
 */
public interface ProtocolPlugin {

    /** The value of {@link #frameLength} when more bytes are needed to know the length. */
    int NEED_MORE_BYTES = -1;

    /** The unique, lower-case name of the protocol, used in configuration ({@code dubbo}, {@code bolt}). */
    String name();

    /** How far the plug-in can be relied on. */
    Stability stability();

    /** Whether the codec is hardened (fuzzed, bounded in memory) enough to face traffic from untrusted peers. */
    boolean safeForUntrustedTraffic();

    /** The frame size limit used when configuration gives none, in bytes, header included. */
    int defaultMaxFrameLength();

    /** How many low bits of a request id the protocol carries: 32 or 64. Rewritten ids must fit. */
    int requestIdBits();

    /**
     * Tells whether the readable bytes of a new connection start with this protocol. Must not move any index.
     *
     * @param in the first bytes received, possibly only one
     */
    Detection detect(ByteBuf in);

    /**
     * Finds where the frame that starts at the reader index ends, from its fixed header only.
     *
     * @param in the bytes received so far; no index is moved
     * @param maxFrameLength the largest frame accepted, header included
     * @return the whole frame's length in bytes, or {@link #NEED_MORE_BYTES} when the fixed header is incomplete
     * @throws ProtocolDecoderException when the header is invalid or the frame is longer than the limit
     */
    int frameLength(ByteBuf in, int maxFrameLength);

    /**
     * Reads the header of one whole frame.
     *
     * @param frame exactly one frame, as measured by {@link #frameLength}; ownership passes to the returned
     *     {@link Frame}, or stays with the caller when this throws
     * @throws ProtocolDecoderException when the header is invalid
     */
    Frame decodeFrame(ByteBuf frame);

    /**
     * Writes a new request id into the frame's bytes, in place, fixing any checksum that covers it.
     *
     * @param newId the id to write; it must fit in {@link #requestIdBits()} bits
     */
    void rewriteRequestId(Frame frame, long newId);

    /**
     * Writes a new timeout into a request's header, in place, fixing any checksum that covers it; used to subtract
     * the time a request waited in the sidecar. Protocols whose header carries no timeout do nothing.
     *
     * @return whether the header carries a timeout and it was rewritten
     */
    default boolean rewriteTimeout(Frame request, int timeoutMillis) {
        return false;
    }

    /**
     * Builds the response the callee would send to fail this request, in the protocol's own format, so that the
     * caller's framework shows {@code message} to the application.
     *
     * @param request a request for which {@link Frame#expectsResponse()} is true
     * @throws IllegalArgumentException when the request expects no response
     */
    ByteBuf encodeErrorResponse(Frame request, ErrorKind kind, String message, ByteBufAllocator alloc);

    /**
     * Builds the error reply to a request refused as longer than the frame limit, from its fixed header alone, so
     * the caller gets an error and the connection, which other calls share, stays open; the decoder then skips
     * the frame's bytes as they arrive. Returns {@code null}, the default, to close the connection instead; must
     * return {@code null} for anything but a request that expects a response.
     *
     * @param header the input, reader index at the frame's start, with the whole fixed header readable; no index
     *     is moved
     * @param message the text for the caller, naming the frame's size and the limit
     */
    default ByteBuf encodeOversizeReply(ByteBuf header, String message, ByteBufAllocator alloc) {
        return null;
    }

    /**
     * Builds the answer to a heartbeat request.
     *
     * @param heartbeat a frame for which {@link Frame#isHeartbeat()} and {@link Frame#isRequest()} are true
     */
    ByteBuf encodeHeartbeatResponse(Frame heartbeat, ByteBufAllocator alloc);

    /** Builds a heartbeat request, used to keep upstream connections alive. */
    ByteBuf encodeHeartbeatRequest(long requestId, ByteBufAllocator alloc);

    /**
     * The value of an entry {@code name} of a request's protocol-level header area (not the serialised body), for
     * the governance filters (header matches, the caller identity); null when the protocol has no such area or the
     * request does not carry it. Reads in place, allocating only the returned value.
     */
    default String header(Frame request, String name) {
        return null;
    }

    /**
     * Adds the entry {@code name: value} at the front of a request's protocol-level header area (so it wins over an
     * entry of the same name the application set), leaving the body untouched; used by the egress sidecar to carry
     * the caller identity. Ownership of {@code request} passes to the returned frame. Protocols without such an area,
     * and requests it cannot be added to, return {@code request} unchanged.
     */
    default Frame withHeader(Frame request, String name, String value) {
        return request;
    }
}
