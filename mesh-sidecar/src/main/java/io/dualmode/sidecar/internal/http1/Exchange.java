package io.dualmode.sidecar.internal.http1;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.config.GovernanceConfig;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.SidecarErrors;
import io.dualmode.sidecar.internal.governance.Admission;
import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request/response exchange on the HTTP/1.1 path: picks an upstream host, takes a connection
 * from the loop's pool, forwards the request bytes, relays the response bytes, and retries,
 * times out or answers locally when the upstream fails. Lives on the downstream's event loop.
 */
final class Exchange implements ResponseSink {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private final Http1ProxyHandler downstream;
    private final Channel down;
    private final ListenerRuntime listener;
    private final Cluster cluster;
    private final String service;
    private final boolean keepAliveRequested;
    /** Whether a reset before the response may be retried: idempotent, or the retry rule names reset. */
    private final boolean retryable;

    private final boolean headRequest;
    private final long start = System.nanoTime();
    private final Admission admission;
    private boolean started;
    private boolean broken;
    private RequestHead head;
    private ArrayDeque<Object> buffered;
    /** A copy of the request body sent so far, to send again on a retry; null when the body is not kept. */
    private ByteBuf replay;
    /** Whether the whole body sent so far is in {@link #replay} (no body, or one within retry.maxBufferedBody). */
    private boolean replayable;

    private long deadline = Long.MAX_VALUE;
    /** When the current attempt times out under the retry rule's per-try timeout; MAX_VALUE when it does not. */
    private long attemptDeadline = Long.MAX_VALUE;

    private UpstreamHost host;
    private Channel up;
    private int retries;
    private int status;
    private boolean retrying;
    private boolean requestDone;
    /** A final (or 101) response head was forwarded: the caller can get no other answer now. */
    private boolean responseStarted;

    private boolean responseKeepAlive = true;
    private boolean finished;
    private final boolean upgrade;
    private boolean tunnel;
    /** Where a copy of the request goes once it is complete, or null; the body is kept in {@link #replay}. */
    private Admission.Mirror mirror;

    /** The header marking a mirrored copy. */
    static final String MIRROR_HEADER = "x-dualmode-mirror";

    Exchange(
            Http1ProxyHandler downstream,
            ListenerRuntime listener,
            Cluster cluster,
            RequestHead head,
            Admission admission) {
        this.downstream = downstream;
        this.admission = admission;
        this.down = downstream.channel();
        this.listener = listener;
        this.cluster = cluster;
        this.head = head;
        this.service = head.host;
        this.keepAliveRequested = head.keepAlive;
        this.retryable = (head.idempotent || admission.retryOnReset()) && !head.upgrade;
        this.mirror = head.upgrade ? null : admission.mirror();
        long maxBuffered = cluster.config().retry().maxBufferedBody();
        boolean fits = head.chunked ? maxBuffered > 0 : head.contentLength <= maxBuffered;
        this.replayable = (retryable || mirror != null) && fits;
        if (mirror != null && !fits) {
            cluster.metrics().mirrorSkipped.increment();
            mirror = null;
        }
        this.headRequest = head.headMethod;
        this.upgrade = head.upgrade;
        this.requestDone = false;
    }

    boolean requestDone() {
        return requestDone && !tunnel;
    }

    /** An Upgrade request the upstream answered without switching protocols. */
    boolean upgradeRefused() {
        return upgrade && !tunnel;
    }

    /** Starts after an injected delay, unless the downstream went away meanwhile. */
    void startDelayed() {
        if (!finished) {
            start();
        }
    }

    /** Connects after a retry's back-off, unless the exchange ended meanwhile. */
    private void connectDelayed() {
        if (!finished) {
            connect();
        }
    }

    void start() {
        started = true;
        cluster.metrics().rqActive.incrementAndGet();
        long timeout = admission.timeoutMillis() > 0
                ? TimeUnit.MILLISECONDS.toNanos(admission.timeoutMillis())
                : cluster.config().requestTimeout().toNanos();
        deadline = System.nanoTime() + timeout;
        downstream.armTimeout(deadline);
        connect();
    }

    private void connect() {
        long perTry = admission.perTryTimeoutMillis();
        if (perTry > 0) {
            attemptDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(perTry);
            downstream.armTimeout(deadline());
        }
        String hashHeader = cluster.config().hashHeader();
        host = cluster.select(hashHeader == null ? null : head.header(hashHeader), admission.subset());
        if (host == null) {
            localReply(503, SidecarErrors.NO_HEALTHY_UPSTREAM);
            return;
        }
        host.requestStarted();
        ChannelFuture f = Http1Pool.current(down.eventLoop(), listener.proxy().transport())
                .acquire(host, cluster, listener.limits().maxHeaderBytes());
        if (f.isDone()) {
            connected(f);
        } else {
            f.addListener((ChannelFuture cf) -> connected(cf));
        }
    }

    private void connected(ChannelFuture f) {
        if (!f.isSuccess()) {
            connectFailed();
            return;
        }
        Channel ch = f.channel();
        if (finished) {
            ch.close();
            return;
        }
        up = ch;
        ch.pipeline().get(UpstreamHandler.class).bind(this);
        ch.pipeline().get(ResponseScanner.class).expect(headRequest);
        up.write(headBytes(), up.voidPromise());
        if (!replayable) {
            releaseHead();
        }
        if (replayable && replay != null) {
            up.write(replay.retainedDuplicate(), up.voidPromise());
            releaseBuffered();
        }
        while (buffered != null && !buffered.isEmpty()) {
            up.write(buffered.poll(), up.voidPromise());
        }
        up.flush();
        downstream.pauseForConnect(false);
    }

    /** The request head to forward; on egress, with this application's identity as the first header. */
    private ByteBuf headBytes() {
        return headBytes(callerLine());
    }

    /** The request head with {@code identity} (header lines, or null for none) after the request line. */
    private ByteBuf headBytes(String identity) {
        ByteBuf raw = head.content();
        if (identity == null) {
            return replayable ? raw.retainedDuplicate() : raw.retain();
        }
        int from = raw.readerIndex();
        int line = HeadParser.lineEnd(raw, from, raw.writerIndex()) + 2 - from;
        return Unpooled.wrappedBuffer(
                raw.retainedSlice(from, line),
                Unpooled.wrappedBuffer(identity.getBytes(StandardCharsets.US_ASCII)),
                raw.retainedSlice(from + line, raw.readableBytes() - line));
    }

    /**
     * Sends a copy of the complete request (head and kept body, shared buffers, no copy) to a host of the mirror
     * subset on a connection of its own from the loop's pool; the reply is dropped by a {@link MirrorSink}. The Host
     * header is kept (the mirror host, or its ingress sidecar, routes by it); the copy carries {@value
     * #MIRROR_HEADER}{@code : true} so the receiver can tell it from live traffic.
     */
    private void sendMirror() {
        Admission.Mirror m = mirror;
        mirror = null;
        if (finished || head == null) {
            return;
        }
        cluster.metrics().mirror.increment();
        io.dualmode.sidecar.cluster.UpstreamHost target = cluster.select(null, m.subset());
        if (target == null) {
            cluster.metrics().mirrorFailed.increment();
            return;
        }
        String caller = callerLine();
        ByteBuf headCopy = headBytes((caller == null ? "" : caller) + MIRROR_HEADER + ": true\r\n");
        ByteBuf body = replay == null ? null : replay.retainedDuplicate();
        Cluster c = cluster;
        boolean headMethod = headRequest;
        ChannelFuture f = Http1Pool.current(down.eventLoop(), listener.proxy().transport())
                .acquire(target, c, listener.limits().maxHeaderBytes());
        if (f.isDone()) {
            mirrorConnected(f, c, headMethod, headCopy, body);
        } else {
            f.addListener((ChannelFuture cf) -> mirrorConnected(cf, c, headMethod, headCopy, body));
        }
    }

    private static void mirrorConnected(
            ChannelFuture f, Cluster c, boolean headMethod, ByteBuf headCopy, ByteBuf body) {
        if (!f.isSuccess()) {
            c.metrics().mirrorFailed.increment();
            headCopy.release();
            if (body != null) {
                body.release();
            }
            return;
        }
        Channel ch = f.channel();
        ch.pipeline().get(UpstreamHandler.class).bind(new MirrorSink(ch, c));
        ch.pipeline().get(ResponseScanner.class).expect(headMethod);
        ch.write(headCopy, ch.voidPromise());
        if (body != null) {
            ch.write(body, ch.voidPromise());
        }
        ch.flush();
    }

    private String callerLine() {
        if (listener.config().direction() != ListenerConfig.Direction.EGRESS) {
            return null;
        }
        GovernanceConfig g = listener.snapshot().get().governance();
        return g.callerIdentity() == null ? null : g.callerHeader() + ": " + g.callerIdentity() + "\r\n";
    }

    private void connectFailed() {
        cluster.metrics().connectFail.increment();
        hostDone(true);
        if (!retry()) {
            localReply(503, SidecarErrors.UPSTREAM_CONNECT_FAILED);
        }
    }

    private boolean retry() {
        if (!takeRetry()) {
            return false;
        }
        reconnect();
        return true;
    }

    /** Whether one more attempt is allowed (attempts left, within the budget); counts it if so. */
    private boolean takeRetry() {
        int maxRetries = admission.retries() >= 0
                ? admission.retries()
                : cluster.config().retry().maxRetries();
        // no head to send again once a response head (even a 100 Continue) came back
        if (finished || head == null || retries >= maxRetries || !admission.tryRetry(cluster)) {
            return false;
        }
        if (retrying) {
            cluster.retryDone();
        }
        retrying = true;
        retries++;
        return true;
    }

    /** The next attempt, after the retry rule's back-off on the loop's timer when it sets one. */
    private void reconnect() {
        long backoff = admission.backoffMillis(retries);
        if (backoff > 0) {
            down.eventLoop().schedule(this::connectDelayed, backoff, TimeUnit.MILLISECONDS);
        } else {
            connect();
        }
    }

    /** A body part or the end of the request from downstream. */
    void requestPart(Object msg) {
        if (msg == MessageEnd.INSTANCE) {
            requestDone = true;
            if (mirror != null) {
                sendMirror();
            }
            if (upgrade && !tunnel) {
                downstream.pauseForUpgrade(true);
            }
            return;
        }
        if (finished) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof ScanError err) {
            badRequestBody(err);
        } else if (replayable && keep((ByteBuf) msg)) {
            if (up != null) {
                up.write(msg, up.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
                downstream.pauseForConnect(true);
            }
        } else if (up == null) {
            if (buffered == null) {
                buffered = new ArrayDeque<>(4);
            }
            buffered.add(msg);
            downstream.pauseForConnect(true);
        } else {
            up.write(msg, up.voidPromise());
        }
    }

    /**
     * Copies a body part into {@link #replay} (a pooled buffer) while the body stays within retry.maxBufferedBody;
     * past it the copy is dropped and the request is no longer retried after a reset. The part itself is still
     * the caller's to forward or release. On the way in the parts received while connecting are in the copy.
     */
    private boolean keep(ByteBuf part) {
        int limit = (int) cluster.config().retry().maxBufferedBody();
        int size = (replay == null ? 0 : replay.readableBytes()) + part.readableBytes();
        if (size > limit) {
            stopReplay();
            return false;
        }
        if (replay == null) {
            replay = down.alloc().buffer(Math.min(limit, Math.max(size, 256)), limit);
        }
        replay.writeBytes(part, part.readerIndex(), part.readableBytes());
        return true;
    }

    /** The body outgrew what is kept: parts received while connecting go out from {@link #buffered} instead. */
    private void stopReplay() {
        replayable = false;
        if (mirror != null) {
            cluster.metrics().mirrorSkipped.increment();
            mirror = null;
        }
        if (replay != null) {
            if (up == null) {
                if (buffered == null) {
                    buffered = new ArrayDeque<>(4);
                }
                buffered.addFirst(replay);
            } else {
                replay.release();
            }
            replay = null;
        }
    }

    private void badRequestBody(ScanError err) {
        log.debug("[{}] bad request body: {}", down.id(), err.reason());
        listener.metrics().protocolError.increment();
        dropUpstream();
        if (responseStarted) {
            abort();
        } else {
            hostDone(false);
            localReply(err.status(), LocalReply.errorFor(err.status()));
        }
    }

    void flushUpstream() {
        if (up != null && !finished) {
            up.flush();
        }
    }

    @Override
    public void flushDownstream() {
        down.flush();
    }

    /** A response part from upstream. */
    @Override
    public void onResponse(Object msg) {
        if (finished) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof ResponseHead rh) {
            responseHead(rh);
        } else if (msg == MessageEnd.INSTANCE) {
            finish(true);
        } else if (msg instanceof ScanError err) {
            log.debug("[{}] bad response from {}: {}", down.id(), host, err.reason());
            cluster.metrics().badResponse.increment();
            upstreamFailed(SidecarErrors.UPSTREAM_BAD_RESPONSE);
        } else {
            down.write(msg, down.voidPromise());
        }
    }

    private void responseHead(ResponseHead rh) {
        if (rh.status == 101 && !upgrade) {
            rh.release();
            upstreamFailed();
            return;
        }
        if (!rh.informational() && retryOnStatus(rh.status) && takeRetry()) {
            rh.release();
            dropUpstream();
            hostDone(true);
            reconnect();
            return;
        }
        // an informational head (100 Continue) is relayed, but the caller can still get a final answer of ours (a 502
        // if
        // the upstream fails next), so only a final or 101 head starts the response
        responseStarted |= !rh.informational();
        attemptDeadline = Long.MAX_VALUE;
        releaseHead();
        if (rh.status == 101) {
            tunnel = true;
            deadline = Long.MAX_VALUE;
            attemptDeadline = Long.MAX_VALUE;
            down.write(rh.content(), down.voidPromise());
            downstream.startTunnel();
            return;
        }
        if (!rh.informational()) {
            status = rh.status;
            responseKeepAlive = rh.keepAlive && !rh.delimitedByClose && rh.status != 101;
        }
        down.write(rh.content(), down.voidPromise());
    }

    /**
     * Whether a response status is retried instead of forwarded: the rule names {@code 5xx}, or {@code
     * gateway-error} for 502-504, and the whole request was sent and kept (so it can be sent again).
     */
    private boolean retryOnStatus(int code) {
        if (code < 500 || !replayable || !retryable || !requestDone || upgrade) {
            return false;
        }
        boolean gateway = code >= 502 && code <= 504;
        return admission.retries(Admission.RETRY_SERVER_ERROR)
                || (gateway && admission.retries(Admission.RETRY_GATEWAY_ERROR))
                || (code == 503 && admission.retries(Admission.RETRY_UNAVAILABLE));
    }

    @Override
    public void onUpstreamClosed() {
        if (finished) {
            return;
        }
        if (tunnel || (responseStarted && !responseKeepAlive && status != 0)) {
            finish(false);
            return;
        }
        cluster.metrics().reset.increment();
        upstreamFailed();
    }

    private void upstreamFailed() {
        upstreamFailed(SidecarErrors.UPSTREAM_RESET);
    }

    /** The upstream failed this attempt: retried if it can be, else answered 502 with {@code error}. */
    private void upstreamFailed(SidecarErrors error) {
        dropUpstream();
        if (responseStarted) {
            abort();
            return;
        }
        hostDone(true);
        if (!(replayable && retryable && retry())) {
            localReply(502, error);
        }
    }

    /**
     * When the request or its current attempt times out, whichever comes first (System.nanoTime based); never for a
     * tunnel.
     */
    long deadline() {
        return attemptDeadline - deadline < 0 ? attemptDeadline : deadline;
    }

    void onTimeout() {
        if (finished) {
            return;
        }
        if (System.nanoTime() - deadline < 0) {
            attemptTimedOut();
            return;
        }
        cluster.metrics().timeout.increment();
        dropUpstream();
        if (responseStarted) {
            abort();
        } else {
            hostDone(true);
            localReply(504, SidecarErrors.UPSTREAM_TIMEOUT);
        }
    }

    /**
     * The attempt ran out its per-try timeout before any response head: with a rule naming {@code timeout}, a request
     * that may be sent again (kept whole, idempotent or the rule names {@code reset}) goes to another pick; otherwise,
     * or without attempts left, 504.
     */
    private void attemptTimedOut() {
        cluster.metrics().timeout.increment();
        attemptDeadline = Long.MAX_VALUE;
        dropUpstream();
        hostDone(true);
        boolean again = admission.retries(Admission.RETRY_TIMEOUT) && replayable && retryable && requestDone;
        if (!(again && retry())) {
            localReply(504, SidecarErrors.UPSTREAM_TIMEOUT);
        }
    }

    @Override
    public void upstreamWritability(boolean writable) {
        downstream.pauseForWrite(!writable);
    }

    void downstreamWritability(boolean writable) {
        if (up != null) {
            up.config().setAutoRead(writable);
        }
    }

    /** The downstream connection closed. */
    void downstreamClosed() {
        if (!finished) {
            dropUpstream();
            hostDone(false);
            end();
        }
    }

    private void localReply(int code, SidecarErrors error) {
        if (finished) {
            return;
        }
        listener.metrics().localReply(code);
        cluster.metrics().localReply(code, start);
        log.debug("[{}] local reply {} for service '{}'", down.id(), code, service);
        status = code;
        responseKeepAlive = requestDone;
        down.writeAndFlush(LocalReply.of(down.alloc(), code, error, error.format(service), !responseKeepAlive));
        end();
        complete(!responseKeepAlive || !keepAliveRequested);
    }

    private void abort() {
        cluster.metrics().failed(start);
        broken = true;
        hostDone(true);
        end();
        complete(true);
    }

    private void finish(boolean upstreamClean) {
        cluster.metrics().response(status, start);
        if (host != null) {
            if (status >= 500) {
                cluster.failure(host);
            } else {
                cluster.success(host);
            }
            host.requestFinished(status >= 500 || status < 100, start);
            host = null;
        }
        Channel ch = up;
        up = null;
        if (ch != null) {
            ch.pipeline().get(UpstreamHandler.class).unbind();
            if (upstreamClean && responseKeepAlive && requestDone && !tunnel) {
                ch.pipeline()
                        .get(UpstreamHandler.class)
                        .pool()
                        .release(ch, cluster.config().maxIdlePerEndpoint());
            } else {
                ch.close();
            }
        }
        end();
        down.flush();
        complete(!keepAliveRequested || !responseKeepAlive || !requestDone || tunnel);
    }

    private void complete(boolean closeDownstream) {
        downstream.exchangeComplete(this, closeDownstream);
    }

    private void dropUpstream() {
        Channel old = up;
        up = null;
        if (old != null) {
            old.pipeline().get(UpstreamHandler.class).unbind();
            old.close();
        }
    }

    /**
     * Gives the host back without a response from it: {@code failed} when the host failed the attempt (counted for
     * its ejection and as an error among its calls in the load reports); otherwise the call ended for reasons of the
     * caller's (it left, or sent a bad body) and is not the host's to count.
     */
    private void hostDone(boolean failed) {
        if (host != null) {
            if (failed) {
                cluster.failure(host);
                host.requestFinished(true, start);
            } else {
                host.requestFinished();
            }
            host = null;
        }
    }

    private void end() {
        finished = true;
        if (started) {
            cluster.metrics().rqActive.decrementAndGet();
        }
        admission.complete(broken || status >= 500);
        if (retrying) {
            cluster.retryDone();
        }
        releaseHead();
        releaseBuffered();
        if (replay != null) {
            replay.release();
            replay = null;
        }
    }

    private void releaseBuffered() {
        while (buffered != null && !buffered.isEmpty()) {
            ReferenceCountUtil.release(buffered.poll());
        }
    }

    private void releaseHead() {
        if (head != null) {
            head.release();
            head = null;
        }
    }
}
