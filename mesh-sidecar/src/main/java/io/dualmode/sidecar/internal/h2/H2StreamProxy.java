package io.dualmode.sidecar.internal.h2;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.config.GovernanceConfig;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.SidecarErrors;
import io.dualmode.sidecar.internal.governance.Admission;
import io.dualmode.sidecar.internal.governance.CallView;
import io.dualmode.sidecar.internal.governance.ServicePolicy;
import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies one downstream HTTP/2 stream to one stream on a multiplexed upstream connection: routes
 * on the first HEADERS (:authority, or the gRPC service of :path), relays HEADERS, DATA, trailers
 * and RST_STREAM both ways, enforces grpc-timeout, and answers locally when no upstream can.
 *
 * <p>Governance: the stream goes through the same {@code GovernanceSnapshot} filters as HTTP/1.1 and RPC, keyed on
 * the routed service; the proxy is its own {@link CallView} ({@code :path} without its query as the method, the
 * request headers as headers). Rejections are answered in the stream's protocol: an HTTP status for plain h2, a
 * trailers-only response with the matching grpc-status for gRPC ({@link H2Replies#grpcStatusFor}). An egress
 * listener writes the caller identity header; retries (the rule's, or the cluster's for connect failures) replay
 * retained duplicates of the request frames to another host, and only while nothing of the response has been
 * forwarded.
 */
final class H2StreamProxy implements H2Stream.Reader, CallView {
    private static final Logger log = LoggerFactory.getLogger(H2StreamProxy.class);
    private final ListenerRuntime listener;
    private final long start = System.nanoTime();
    /** The request's first HEADERS until an upstream stream is open to write it on. */
    private Http2HeadersFrame head;
    /** The request frames read after {@link #head} before the upstream stream opened; null while there are none. */
    private ArrayDeque<Http2StreamFrame> pending;

    private H2Stream down;
    private H2Stream up;
    private Cluster cluster;
    private UpstreamHost host;
    private Http2Headers requestHeaders;
    private boolean requestEnded;
    private String service;
    private boolean grpc;
    private boolean started;
    private boolean responseStarted;
    /** Whether the final (non-1xx) response HEADERS came: what follows is DATA and trailers. */
    private boolean finalResponse;

    private boolean done;
    private boolean upstreamFault;
    private boolean grpcFailed;
    private int status;
    private int attempts;
    private long requestBytes;
    private Admission admission = Admission.PASS;
    private boolean ingress;
    /** Retained copies of the request frames sent so far, for a retry after a reset or error; null when none. */
    private ArrayDeque<Http2StreamFrame> replay;

    private long replayBytes;
    /** Whether the frames are kept for a retry (else only for the mirror). */
    private boolean keepForRetry;
    /** Where a copy of the request goes once complete, or null; its frames are kept in {@link #replay}. */
    private Admission.Mirror mirror;

    private UpstreamHost lastFailed;
    private ScheduledFuture<?> tryTimer;

    H2StreamProxy(ListenerRuntime listener) {
        this.listener = listener;
    }

    @Override
    public String method() {
        CharSequence path = requestHeaders.path();
        if (path == null) {
            return null;
        }
        String p = path.toString();
        int query = p.indexOf('?');
        return query < 0 ? p : p.substring(0, query);
    }

    @Override
    public String header(String lowerCaseName) {
        CharSequence v = requestHeaders.get(lowerCaseName);
        return v == null ? null : v.toString();
    }

    @Override
    public void frame(H2Stream from, Http2StreamFrame msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
        } else if (!started && msg instanceof Http2HeadersFrame headers) {
            begin(from, headers);
        } else if (!started) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof Http2ResetFrame reset) {
            cancelled(reset.errorCode());
        } else if (msg instanceof Http2HeadersFrame headers) {
            String malformed = badField(headers.headers(), PSEUDO_NONE);
            if (malformed == null) {
                forward(unpadded(headers));
            } else {
                malformedRequest(malformed);
                cancelled(Http2Error.CANCEL.code());
            }
        } else if (msg instanceof Http2DataFrame data) {
            if (data.content().isReadable() || data.isEndStream()) {
                forward(unpadded(data));
            } else {
                // an empty DATA frame without END_STREAM carries nothing; passed on, a run of them from one caller
                // would trip the backend's flood protection on the connection every caller shares
                data.release();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * The frame to pass on: the one read when it carries no padding (the writing stream sets its own stream on it),
     * else a new one without the padding.
     */
    private static Http2HeadersFrame unpadded(Http2HeadersFrame h) {
        return h.padding() == 0 ? h : new DefaultHttp2HeadersFrame(h.headers(), h.isEndStream());
    }

    private static Http2DataFrame unpadded(Http2DataFrame d) {
        return d.padding() == 0 ? d : new DefaultHttp2DataFrame(d.content(), d.isEndStream());
    }

    private void begin(H2Stream stream, Http2HeadersFrame frame) {
        down = stream;
        String malformed = badField(frame.headers(), PSEUDO_CHECKED);
        if (malformed != null) {
            done = true; // never started: nothing to finish
            malformedRequest(malformed);
            return;
        }
        started = true;
        listener.metrics().rqTotal.increment();
        listener.proxy().requestStarted();
        requestHeaders = frame.headers();
        requestEnded = frame.isEndStream();
        grpc = H2Replies.isGrpc(requestHeaders);
        cluster = route(requestHeaders);
        if (cluster == null) {
            localError(503, H2Replies.GRPC_UNAVAILABLE, SidecarErrors.NO_ROUTE);
            return;
        }
        ingress = listener.config().direction() == ListenerConfig.Direction.INGRESS;
        admission = admit();
        if (admission.rejected()) {
            rejected();
            return;
        }
        identify();
        cluster.metrics().rqActive.incrementAndGet();
        armTimeout();
        Http2HeadersFrame first = unpadded(frame);
        head = first;
        keepForRetry = admission.retryOn() != 0 && admission.retries() > 0;
        mirror = admission.mirror();
        if (keepForRetry || mirror != null) {
            replay = new ArrayDeque<>(2);
            replay.add(first);
        }
        if (requestEnded) {
            mirrorIfComplete();
        }
        if (admission.delayMillis() > 0) {
            down.eventLoop().schedule(this::connectDelayed, admission.delayMillis(), TimeUnit.MILLISECONDS);
        } else {
            connect();
        }
    }

    /** The governance verdict: one read of the snapshot, nothing allocated when no rule concerns the service. */
    private Admission admit() {
        ServicePolicy policy = listener.proxy().governance().policy(service);
        return policy == null ? Admission.PASS : policy.admit(this, ingress);
    }

    /** Answers a call the rules refuse, in the stream's protocol. */
    private void rejected() {
        cluster.metrics().localReply(admission.status(), System.nanoTime());
        cluster = null;
        int grpcStatus = H2Replies.grpcStatusFor(admission.error(), admission.status());
        localError(admission.status(), grpcStatus, admission.error(), admission.message());
    }

    /** On egress, this application's identity in the caller header (replacing one the application set). */
    private void identify() {
        if (ingress) {
            return;
        }
        GovernanceConfig g = listener.snapshot().get().governance();
        if (g.callerIdentity() != null) {
            requestHeaders.set(g.callerHeader(), g.callerIdentity());
        }
    }

    private void connectDelayed() {
        if (!done) {
            connect();
        }
    }

    private Cluster route(Http2Headers headers) {
        service = authority(headers.authority());
        Cluster c = listener.router().route(service);
        if (c == null && grpc) {
            String grpcService = H2Replies.grpcService(headers.path());
            Cluster byService = listener.router().route(grpcService);
            if (grpcService != null) {
                service = grpcService;
            }
            c = byService;
        }
        return c;
    }

    private static String authority(CharSequence authority) {
        if (authority == null) {
            return null;
        }
        String a = authority.toString().toLowerCase(Locale.ROOT);
        int colon = a.lastIndexOf(':');
        return colon > a.lastIndexOf(']') ? a.substring(0, colon) : a;
    }

    private void armTimeout() {
        long rule = admission.timeoutMillis() > 0 ? TimeUnit.MILLISECONDS.toNanos(admission.timeoutMillis()) : -1;
        long nanos = grpc ? H2Replies.grpcTimeoutNanos(requestHeaders) : -1;
        if (rule > 0) {
            nanos = nanos > 0 ? Math.min(nanos, rule) : rule;
        } else if (!grpc) {
            nanos = cluster.config().requestTimeout().toNanos();
        }
        if (nanos > 0) {
            down.deadline(System.nanoTime() + nanos);
        }
    }

    private void connect() {
        String hashHeader = cluster.config().hashHeader();
        CharSequence hash = hashHeader == null ? null : requestHeaders.get(hashHeader);
        host = cluster.select(hash, admission.subset());
        for (int i = 0; i < 3 && host != null && host == lastFailed; i++) {
            host = cluster.select(hash, admission.subset());
        }
        if (host == null) {
            localError(503, H2Replies.GRPC_UNAVAILABLE, SidecarErrors.NO_HEALTHY_UPSTREAM);
            return;
        }
        attempts++;
        host.requestStarted();
        if (admission.perTryTimeoutMillis() > 0 && admission.retries(Admission.RETRY_TIMEOUT)) {
            tryTimer = down.eventLoop()
                    .schedule(this::tryTimedOut, admission.perTryTimeoutMillis(), TimeUnit.MILLISECONDS);
        }
        int attempt = attempts;
        H2Pool.current(down.eventLoop(), listener.proxy().transport())
                .open(host, cluster, new Upstream())
                .addListener(f -> opened(f, attempt));
    }

    private void opened(Future<?> f, int attempt) {
        if (done || attempt != attempts) {
            if (f.isSuccess()) {
                ((H2Stream) f.getNow()).reset(Http2Error.CANCEL.code());
            }
            return;
        }
        if (!f.isSuccess()) {
            connectFailed();
            return;
        }
        up = (H2Stream) f.getNow();
        if (head != null) {
            up.write(head);
            head = null;
        }
        if (pending != null) {
            Http2StreamFrame frame;
            while ((frame = pending.poll()) != null) {
                up.write(frame);
            }
        }
        up.flush();
    }

    private void connectFailed() {
        cluster.metrics().connectFail.increment();
        lastFailed = host;
        releaseHost(true, true);
        boolean allowed = admission.retryOn() == 0 || admission.retries(Admission.RETRY_CONNECT_FAILURE);
        if (allowed && attempts <= maxRetries() && admission.tryRetry(cluster)) {
            cluster.retryDone();
            cancelTryTimer();
            reconnect();
        } else {
            localError(503, H2Replies.GRPC_UNAVAILABLE, SidecarErrors.UPSTREAM_CONNECT_FAILED);
        }
    }

    /** The rule's retry attempts, else the cluster's. */
    private int maxRetries() {
        return admission.retries() >= 0
                ? admission.retries()
                : cluster.config().retry().maxRetries();
    }

    /**
     * Sends the request again to another host after the attempt failed with {@code condition} (an {@code
     * Admission.RETRY_*} bit) before anything of its response was forwarded; false when the rule does not retry it,
     * the attempts or the retry budget are used up, or the request was too large to keep.
     */
    private boolean retryAttempt(int condition) {
        if (done
                || responseStarted
                || replay == null
                || (admission.retryOn() & condition) == 0
                || attempts > maxRetries()
                || !admission.tryRetry(cluster)) {
            return false;
        }
        cluster.retryDone();
        cancelTryTimer();
        H2Stream old = up;
        up = null;
        if (old != null) {
            old.reset(Http2Error.CANCEL.code());
        }
        lastFailed = host;
        releaseHost(true, true);
        releasePending();
        for (Http2StreamFrame f : replay) {
            queue(
                    f instanceof Http2DataFrame d
                            ? d.retainedDuplicate()
                            : new DefaultHttp2HeadersFrame(((Http2HeadersFrame) f).headers(), isEnd(f)));
        }
        reconnect();
        return true;
    }

    /** The next attempt, after the retry rule's back-off on the loop's timer when it sets one. */
    private void reconnect() {
        long backoff = admission.backoffMillis(attempts);
        if (backoff > 0) {
            down.eventLoop().schedule(this::connectDelayed, backoff, TimeUnit.MILLISECONDS);
        } else {
            connect();
        }
    }

    private static boolean isEnd(Http2StreamFrame f) {
        return f instanceof Http2HeadersFrame h ? h.isEndStream() : ((Http2DataFrame) f).isEndStream();
    }

    /** The attempt's own deadline passed before any response: retried when the rule names timeouts. */
    private void tryTimedOut() {
        tryTimer = null;
        if (!done && !responseStarted) {
            cluster.metrics().timeout.increment();
            retryAttempt(Admission.RETRY_TIMEOUT);
        }
    }

    private void cancelTryTimer() {
        if (tryTimer != null) {
            tryTimer.cancel(false);
            tryTimer = null;
        }
    }

    /** Keeps a retained copy of a request frame for a retry, while the request is small enough to keep. */
    private void remember(Http2StreamFrame frame) {
        if (replay == null) {
            return;
        }
        if (responseStarted) {
            skipMirror();
            return;
        }
        if (frame instanceof Http2DataFrame d) {
            replayBytes += d.content().readableBytes();
            if (mirror != null && replayBytes > cluster.config().retry().maxBufferedBody()) {
                skipMirror();
            }
            if (replayBytes > listener.limits().maxBodyBytes() || (!keepForRetry && mirror == null)) {
                dropReplay();
                return;
            }
            replay.add(d.retainedDuplicate());
        } else if (frame instanceof Http2HeadersFrame h) {
            replay.add(new DefaultHttp2HeadersFrame(h.headers(), h.isEndStream()));
        }
    }

    /** The request is larger than retry.maxBufferedBody, or the reply began before it ended: no copy. */
    private void skipMirror() {
        if (mirror != null) {
            mirror = null;
            cluster.metrics().mirrorSkipped.increment();
        }
    }

    /** Sends the mirror copy once the whole request is kept. */
    private void mirrorIfComplete() {
        if (mirror != null && replay != null && requestEnded) {
            Admission.Mirror m = mirror;
            mirror = null;
            H2Mirror.send(down.eventLoop(), listener.proxy().transport(), cluster, m.subset(), replay);
            if (!keepForRetry) {
                dropReplay();
            }
        }
    }

    private void dropReplay() {
        skipMirror();
        if (replay != null) {
            replay.forEach(ReferenceCountUtil::release);
            replay = null;
        }
    }

    private void forward(Http2StreamFrame frame) {
        if (frame instanceof Http2HeadersFrame h && h.isEndStream()
                || frame instanceof Http2DataFrame d && d.isEndStream()) {
            requestEnded = true;
        }
        if (frame instanceof Http2DataFrame d && !grpc && tooLarge(d.content().readableBytes())) {
            d.release();
            bodyTooLarge();
            return;
        }
        remember(frame);
        mirrorIfComplete();
        if (up == null) {
            queue(frame);
        } else {
            up.write(frame);
        }
    }

    /** Keeps a request frame read before the upstream stream opened, to write once it has. */
    private void queue(Http2StreamFrame frame) {
        if (pending == null) {
            pending = new ArrayDeque<>(2);
        }
        pending.add(frame);
    }

    /** Releases the request frames not written upstream (the attempt is over). */
    private void releasePending() {
        head = null; // HEADERS hold no buffer
        if (pending != null) {
            Http2StreamFrame frame;
            while ((frame = pending.poll()) != null) {
                ReferenceCountUtil.release(frame);
            }
        }
    }

    /** Counts request body bytes; gRPC streams are exempt (their size is the application's business). */
    private boolean tooLarge(int bytes) {
        requestBytes += bytes;
        return requestBytes > listener.limits().maxBodyBytes();
    }

    private void bodyTooLarge() {
        listener.metrics().protocolError.increment();
        if (responseStarted) {
            down.reset(Http2Error.CANCEL.code());
            finish(false);
        } else {
            localError(413, H2Replies.GRPC_UNAVAILABLE, SidecarErrors.BODY_TOO_LARGE);
        }
    }

    @Override
    public void readComplete(H2Stream from) {
        if (up != null) {
            up.flush();
        }
    }

    /** The caller reads slower than the upstream answers: the upstream's window is given back only as it catches up. */
    @Override
    public void writabilityChanged(H2Stream from, boolean writable) {
        if (up != null) {
            up.pauseReading(!writable);
        }
    }

    @Override
    public void closed(H2Stream from) {
        if (started && !done) {
            cancelled(Http2Error.CANCEL.code());
        }
    }

    /** The caller's request is malformed (RFC 9113 8.1.1): its stream is reset, as the codec does for what it checks. */
    private void malformedRequest(String reason) {
        log.debug("malformed request on {}: {}", listener.config().name(), reason);
        listener.metrics().protocolError.increment();
        down.reset(Http2Error.PROTOCOL_ERROR.code());
    }

    private void cancelled(long errorCode) {
        if (up != null) {
            up.reset(errorCode);
        }
        finish(false);
    }

    @Override
    public void deadlinePassed(H2Stream from) {
        timedOut();
    }

    private void timedOut() {
        if (done) {
            return;
        }
        cluster.metrics().timeout.increment();
        upstreamFault = true;
        resetUpstream();
        if (grpc && responseStarted) {
            down.writeAndFlush(new DefaultHttp2HeadersFrame(
                    H2Replies.grpcTrailers(
                            false,
                            H2Replies.GRPC_DEADLINE_EXCEEDED,
                            SidecarErrors.UPSTREAM_TIMEOUT,
                            message(SidecarErrors.UPSTREAM_TIMEOUT)),
                    true));
            finish(false);
        } else if (responseStarted) {
            down.reset(Http2Error.CANCEL.code());
            finish(false);
        } else {
            localError(504, H2Replies.GRPC_DEADLINE_EXCEEDED, SidecarErrors.UPSTREAM_TIMEOUT);
        }
    }

    private void resetUpstream() {
        if (up != null) {
            up.reset(Http2Error.CANCEL.code());
        }
    }

    private void localError(int httpStatus, int grpcStatus, SidecarErrors error) {
        localError(httpStatus, grpcStatus, error, message(error));
    }

    private void localError(int httpStatus, int grpcStatus, SidecarErrors error, String message) {
        listener.metrics().localReply(httpStatus);
        status = httpStatus;
        H2Replies.error(down, grpc, httpStatus, grpcStatus, error, message);
        if (!requestEnded) {
            down.reset(Http2Error.NO_ERROR.code());
        }
        finish(false);
    }

    private String message(SidecarErrors error) {
        return error == SidecarErrors.BODY_TOO_LARGE
                ? error.format(listener.limits().maxBodyBytes())
                : error.format(service == null ? "" : service);
    }

    private void upstreamFrame(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof Http2HeadersFrame h) {
            String malformed = malformedResponse(h);
            if (malformed != null) {
                badResponse(malformed);
                return;
            }
            if (!responseStarted) {
                int condition = retryCondition(h);
                if (condition != 0 && retryAttempt(condition)) {
                    return;
                }
                responseStarted = true;
                cancelTryTimer();
                dropReplay();
            }
            if (!finalResponse) {
                status = parseStatus(h.headers().status());
                finalResponse = status >= 200;
            }
            grpcFailed |= grpc && H2Replies.isGrpcError(h.headers());
            if (grpc && h.isEndStream()) {
                grpcStatus(h.headers());
            }
            boolean end = h.isEndStream();
            down.write(unpadded(h));
            endIf(end);
        } else if (msg instanceof Http2DataFrame d) {
            if (!finalResponse) {
                d.release();
                badResponse("DATA before the response's HEADERS");
                return;
            }
            boolean end = d.isEndStream();
            down.write(unpadded(d));
            endIf(end);
        } else if (msg instanceof Http2ResetFrame r) {
            upstreamReset(r.errorCode());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * The retry conditions a response's first HEADERS meets: a 5xx (502-504 are also gateway errors), or a gRPC
     * trailers-only UNAVAILABLE; 0 for a response to forward.
     */
    private int retryCondition(Http2HeadersFrame h) {
        if (replay == null) {
            return 0;
        }
        int code = parseStatus(h.headers().status());
        if (code >= 500) {
            return code >= 502 && code <= 504
                    ? Admission.RETRY_SERVER_ERROR | Admission.RETRY_GATEWAY_ERROR
                    : Admission.RETRY_SERVER_ERROR;
        }
        if (grpc && h.isEndStream()) {
            CharSequence s = h.headers().get("grpc-status");
            return s != null && s.length() == 2 && s.charAt(0) == '1' && s.charAt(1) == '4'
                    ? Admission.RETRY_UNAVAILABLE
                    : 0;
        }
        return 0;
    }

    /**
     * A gRPC call's final status (trailers, or a trailers-only response): UNAVAILABLE, INTERNAL and
     * DEADLINE_EXCEEDED under HTTP 200 count as the upstream failing, like a 5xx.
     */
    private void grpcStatus(Http2Headers trailers) {
        int failure = H2Replies.grpcFailureStatus(trailers.get("grpc-status"));
        if (failure != 0) {
            cluster.metrics().grpcFailure(failure);
            status = failure;
        }
    }

    private void endIf(boolean endStream) {
        if (endStream) {
            down.flush();
            finish(true);
        }
    }

    private void upstreamReset(long errorCode) {
        if (done) {
            return;
        }
        cluster.metrics().reset.increment();
        if (!responseStarted && retryAttempt(Admission.RETRY_RESET | (grpc ? Admission.RETRY_UNAVAILABLE : 0))) {
            return;
        }
        upstreamFault = true;
        if (responseStarted) {
            down.reset(errorCode);
            finish(false);
        } else {
            releaseHost(true, true);
            localError(502, H2Replies.GRPC_UNAVAILABLE, SidecarErrors.UPSTREAM_RESET);
        }
    }

    /**
     * Why a response HEADERS frame cannot be forwarded (RFC 9113 8.1, 8.3.2), or null: before the final response it
     * must carry a three-digit {@code :status} (not 101, which HTTP/2 has no use for) and an informational one must not
     * end the stream; after it, only trailers may come, which end the stream and carry no {@code :status}.
     */
    private String malformedResponse(Http2HeadersFrame h) {
        CharSequence s = h.headers().status();
        if (finalResponse) {
            return s == null && h.isEndStream()
                    ? badField(h.headers(), PSEUDO_NONE)
                    : "HEADERS after the final response that are not trailers";
        }
        if (s == null || s.length() != 3 || s.charAt(0) < '1' || s.charAt(0) > '9') {
            return "response :status " + (s == null ? "missing" : "'" + s + "'");
        }
        int code = parseStatus(s);
        if (code < 100 || code == 101) {
            return "response :status '" + s + "'";
        }
        return code < 200 && h.isEndStream()
                ? "an informational response ends the stream"
                : badField(h.headers(), PSEUDO_STATUS);
    }

    /** {@link #badField}: a response head, which carries {@code :status} only. */
    private static final int PSEUDO_STATUS = 0;
    /** {@link #badField}: trailers, which carry no pseudo-header. */
    private static final int PSEUDO_NONE = 1;
    /** {@link #badField}: a request head, whose pseudo-headers the frame codec has checked already. */
    private static final int PSEUDO_CHECKED = 2;

    /**
     * The first field of a header block that HTTP/2 does not allow (RFC 9113 8.2): a name that is not a token, a
     * connection-specific field, a value with CR, LF or NUL or surrounding whitespace, a pseudo-header {@code pseudo}
     * does not allow. The frame codec checks the pseudo-headers and connection-specific fields of requests only, and no
     * names or values: a request passed on with them would have the upstream reset it (an error counted against a
     * healthy upstream), a response passed on would fail in the caller's client.
     */
    private static String badField(Http2Headers headers, int pseudo) {
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            CharSequence name = e.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                if (pseudo == PSEUDO_NONE
                        || (pseudo == PSEUDO_STATUS
                                && !Http2Headers.PseudoHeaderName.STATUS.value().contentEquals(name))) {
                    return "pseudo-header '" + name + "'";
                }
            } else if (HttpHeaderValidationUtil.validateToken(name) != -1) {
                return "header name '" + name + "'";
            } else if (HttpHeaderValidationUtil.isConnectionHeader(name, true)) {
                return "connection-specific header '" + name + "'";
            } else if (HttpHeaderValidationUtil.validateValidHeaderValue(e.getValue()) != -1) {
                return "value of header '" + name + "'";
            }
        }
        return null;
    }

    /**
     * The upstream's response cannot be forwarded: the caller gets a 502 ({@code UNAVAILABLE} for gRPC) if nothing of
     * the response has been forwarded yet, else its stream is reset; the upstream stream is reset either way.
     */
    private void badResponse(String reason) {
        if (done) {
            return;
        }
        log.debug("bad response from {} for service '{}': {}", host, service, reason);
        cluster.metrics().badResponse.increment();
        upstreamFault = true;
        if (responseStarted) {
            down.reset(Http2Error.PROTOCOL_ERROR.code());
            finish(false);
        } else {
            releaseHost(true, true);
            localError(502, H2Replies.GRPC_UNAVAILABLE, SidecarErrors.UPSTREAM_BAD_RESPONSE);
        }
    }

    private static int parseStatus(CharSequence s) {
        try {
            return s == null ? 0 : Integer.parseInt(s.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void finish(boolean clean) {
        if (done) {
            return;
        }
        done = true;
        down.clearDeadline();
        cancelTryTimer();
        dropReplay();
        admission.complete(upstreamFault || status >= 500);
        releasePending();
        if (cluster != null) {
            cluster.metrics().rqActive.decrementAndGet();
            boolean error = upstreamFault || grpcFailed;
            cluster.metrics().response(status, error, start);
            releaseHost(upstreamFault || status >= 500, error || status >= 500 || status < 100);
        }
        if (!clean || !requestEnded) {
            resetUpstream();
        }
        listener.proxy().requestFinished();
    }

    /**
     * Gives the host back: {@code failed} counts for its outlier ejection, {@code error} among its calls in the load
     * reports (as the cluster's figure counts it: a gRPC error status is an error there, not an ejection).
     */
    private void releaseHost(boolean failed, boolean error) {
        if (host != null) {
            if (failed) {
                cluster.failure(host);
            } else {
                cluster.success(host);
            }
            host.requestFinished(error, start);
            host = null;
        }
    }

    /** The reader of the upstream stream: hands its frames back to the downstream side. */
    private final class Upstream implements H2Stream.Reader {
        @Override
        public void frame(H2Stream from, Http2StreamFrame msg) {
            if (up == from) {
                upstreamFrame(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void readComplete(H2Stream from) {
            if (down != null) {
                down.flush();
            }
        }

        /** The upstream reads the request slower than the caller sends it. */
        @Override
        public void writabilityChanged(H2Stream from, boolean writable) {
            if (up == from) {
                down.pauseReading(!writable);
            }
        }

        /** The upstream's response broke the protocol on this stream (a malformed header, say). */
        @Override
        public void streamError(H2Stream from, Http2Exception error) {
            from.reset(error.error().code());
            if (up == from) {
                badResponse(error.getMessage());
            }
        }

        @Override
        public void closed(H2Stream from) {
            if (!done && up == from) {
                upstreamReset(Http2Error.CANCEL.code());
            }
        }
    }
}
