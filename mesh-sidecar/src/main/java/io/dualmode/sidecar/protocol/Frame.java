package io.dualmode.sidecar.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One whole protocol frame: a view of the header fields the proxy needs, over the frame's raw bytes.
 *
 * <p>{@link #content()} holds every byte of the frame, header and body, exactly as received (a retained
 * slice of the connection's buffer: nothing is copied and the body is never parsed). A frame is
 * reference counted; whoever holds it last releases it, usually by writing it on.
 *
 * <p>{@link #requestId()} is the id as decoded; {@link ProtocolPlugin#rewriteRequestId} changes the bytes,
 * not this value.
 */
public final class Frame extends DefaultByteBufHolder {

    /** Timeout value of frames that carry none. */
    public static final int NO_TIMEOUT = -1;

    /** Status value of requests. */
    public static final int NO_STATUS = -1;

    private static final int REQUEST = 1;
    private static final int HEARTBEAT = 1 << 1;
    private static final int ONE_WAY = 1 << 2;
    private static final int CONTROL = 1 << 3;
    private static final int SUCCESS = 1 << 4;

    private final int flags;
    private final long requestId;
    private final int timeoutMillis;
    private final int status;
    private final RoutingKey routingKey;

    private Frame(ByteBuf content, int flags, long requestId, int timeoutMillis, int status, RoutingKey key) {
        super(content);
        this.flags = flags;
        this.requestId = requestId;
        this.timeoutMillis = timeoutMillis;
        this.status = status;
        this.routingKey = key;
    }

    /**
     * A request that carries a call.
     *
     * @param timeoutMillis the timeout in the header, or {@link #NO_TIMEOUT}
     * @param key the routing key, or {@link RoutingKey#NONE} when it cannot be read
     */
    public static Frame request(ByteBuf content, long id, boolean oneWay, int timeoutMillis, RoutingKey key) {
        return new Frame(content, REQUEST | (oneWay ? ONE_WAY : 0), id, timeoutMillis, NO_STATUS, key);
    }

    /**
     * A response to a call.
     *
     * @param status the protocol's own status code
     * @param success whether the response carries a result rather than an error
     */
    public static Frame response(ByteBuf content, long id, int status, boolean success) {
        return new Frame(content, success ? SUCCESS : 0, id, NO_TIMEOUT, status, RoutingKey.NONE);
    }

    /** A heartbeat request (answer it with {@link ProtocolPlugin#encodeHeartbeatResponse}) or its answer. */
    public static Frame heartbeat(ByteBuf content, long id, boolean request) {
        int kind = request ? REQUEST | HEARTBEAT : HEARTBEAT | SUCCESS;
        return new Frame(content, kind, id, NO_TIMEOUT, request ? NO_STATUS : 0, RoutingKey.NONE);
    }

    /** A protocol control message that is neither a call nor a heartbeat (for example Dubbo's readonly event). */
    public static Frame control(ByteBuf content, long id, boolean request, boolean oneWay) {
        int kind = CONTROL | (request ? REQUEST : SUCCESS) | (oneWay ? ONE_WAY : 0);
        return new Frame(content, kind, id, NO_TIMEOUT, request ? NO_STATUS : 0, RoutingKey.NONE);
    }

    /** The request id as decoded. */
    public long requestId() {
        return requestId;
    }

    /** Whether this frame travels from caller to callee. */
    public boolean isRequest() {
        return has(REQUEST);
    }

    /** Whether this frame answers a request. */
    public boolean isResponse() {
        return !has(REQUEST);
    }

    /** Whether this is a heartbeat or a heartbeat answer. */
    public boolean isHeartbeat() {
        return has(HEARTBEAT);
    }

    /** Whether this is a request that gets no response. */
    public boolean isOneWay() {
        return has(ONE_WAY);
    }

    /** Whether this is a control message that is neither a call nor a heartbeat. */
    public boolean isControl() {
        return has(CONTROL);
    }

    /** Whether a response carries a result rather than an error; {@code false} for requests. */
    public boolean isSuccess() {
        return has(SUCCESS);
    }

    /** Whether the caller waits for a response to this frame. */
    public boolean expectsResponse() {
        return isRequest() && !isOneWay();
    }

    /** The timeout in milliseconds the request header carries, or {@link #NO_TIMEOUT}. */
    public int timeoutMillis() {
        return timeoutMillis;
    }

    /** The protocol's own status code of a response, or {@link #NO_STATUS}. */
    public int status() {
        return status;
    }

    /** What a call is routed on; {@link RoutingKey#NONE} for other frames. */
    public RoutingKey routingKey() {
        return routingKey;
    }

    private boolean has(int flag) {
        return (flags & flag) != 0;
    }

    @Override
    public Frame replace(ByteBuf content) {
        return new Frame(content, flags, requestId, timeoutMillis, status, routingKey);
    }

    @Override
    public Frame copy() {
        return replace(content().copy());
    }

    @Override
    public Frame duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public Frame retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public Frame retain() {
        super.retain();
        return this;
    }

    @Override
    public Frame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public Frame touch() {
        super.touch();
        return this;
    }

    @Override
    public Frame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "Frame(id=" + requestId + ", flags=" + flags + ", status=" + status + ", timeout=" + timeoutMillis + ", "
                + routingKey + ", " + content().readableBytes() + " bytes)";
    }
}
