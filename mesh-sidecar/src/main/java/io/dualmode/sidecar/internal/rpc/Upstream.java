package io.dualmode.sidecar.internal.rpc;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.internal.governance.Admission;
import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.ProtocolPlugin;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.LongObjectHashMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream connection shared by many downstream connections of the same event loop: requests get a fresh id
 * from this connection's counter, responses get their caller's id back and go to the caller's channel. Calls that
 * time out, or are cut off by the connection closing, are answered with the protocol's error reply. Runs only on
 * its event loop.
 */
final class Upstream extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Upstream.class);

    private final ProtocolPlugin plugin;
    private final Cluster cluster;
    private final UpstreamHost host;
    private final RpcContext context;
    private final Runnable onClose;
    private final long idMask;
    private final LongObjectHashMap<Call> calls = new LongObjectHashMap<>();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private Channel channel;
    private boolean ready;
    private boolean closed;
    private boolean draining;
    private long lastId;

    Upstream(ProtocolPlugin plugin, Cluster cluster, UpstreamHost host, RpcContext context, Runnable onClose) {
        this.plugin = plugin;
        this.cluster = cluster;
        this.host = host;
        this.context = context;
        this.onClose = onClose;
        this.idMask = plugin.requestIdBits() >= 64 ? Long.MAX_VALUE : (1L << plugin.requestIdBits()) - 1;
    }

    /** Whether new calls may use this connection. */
    boolean usable() {
        return !closed && !draining;
    }

    /** Requests waiting for a response. */
    int inFlight() {
        return calls.size();
    }

    /** Called once the connect attempt is made; {@code future} completes when it connects or fails. */
    void connecting(ChannelFuture future) {
        channel = future.channel();
        future.addListener(f -> {
            if (f.isSuccess()) {
                cluster.success(host);
                cluster.metrics().cxActive.incrementAndGet();
                channel.closeFuture()
                        .addListener(x -> cluster.metrics().cxActive.decrementAndGet());
                ready = true;
                flushWaiting();
            } else {
                cluster.failure(host);
                cluster.metrics().connectFail.increment();
                closeAndFail(
                        Admission.RETRY_CONNECT_FAILURE | Admission.RETRY_UNAVAILABLE,
                        "cannot connect to " + host.endpoint() + ": "
                                + f.cause().getMessage());
            }
        });
    }

    /**
     * Forwards one request; ownership of {@code request} passes to this connection. {@code admission} is completed
     * when the call ends (at once for a one-way call); its timeout, when set, bounds the call.
     */
    void send(Channel downstream, Frame request, Admission admission, Retry retry) {
        long now = System.nanoTime();
        long id = nextId();
        Call call = null;
        if (!request.expectsResponse()) {
            admission.complete(false);
        } else {
            call = new Call(this, id, downstream, request, now, admission, retry);
            calls.put(id, call);
            host.requestStarted();
            cluster.metrics().rqActive.incrementAndGet();
            context.proxy().requestStarted();
            long timeout = timeoutMillis(request, admission);
            if (retry != null) {
                timeout = attemptTimeoutMillis(retry, timeout, admission, now);
            }
            call.timer = channel.eventLoop().schedule(call, timeout, TimeUnit.MILLISECONDS);
            call.timerDeadlineNanos = now + TimeUnit.MILLISECONDS.toNanos(timeout);
        }
        plugin.rewriteRequestId(request, id);
        if (ready) {
            write(call, request);
        } else {
            waiting.add(new Waiting(id, request));
        }
    }

    /**
     * Sends a mirrored copy of a call under an id of this connection; its response is dropped and its failures
     * (an error response, a timeout at the cluster's request timeout, the connection closing) are only counted.
     * Ownership of {@code request} passes to this connection.
     */
    void mirror(Channel downstream, Frame request) {
        long id = nextId();
        Call call = null;
        if (request.expectsResponse()) {
            call = new Call(this, id, downstream, request, System.nanoTime(), Admission.PASS, null);
            call.mirror = true;
            calls.put(id, call);
            long timeout = cluster.config().requestTimeout().toMillis();
            call.timer = channel.eventLoop().schedule(call, timeout, TimeUnit.MILLISECONDS);
            call.timerDeadlineNanos = call.startNanos + TimeUnit.MILLISECONDS.toNanos(timeout);
        }
        plugin.rewriteRequestId(request, id);
        if (ready) {
            write(call, request);
        } else {
            waiting.add(new Waiting(id, request));
        }
    }

    /** A mirrored copy ended: freed, counted when it failed; it never touches the caller nor the host's counters. */
    private void mirrorDone(Call call, boolean failed) {
        call.finish(false, false);
        if (failed) {
            cluster.metrics().mirrorFailed.increment();
        }
    }

    /** The caller's timeout, the governance rule's or the cluster's: the shortest of the first two that are set. */
    private long timeoutMillis(Frame request, Admission admission) {
        long rule = admission.timeoutMillis();
        long asked = request.timeoutMillis();
        if (asked > 0) {
            return rule > 0 ? Math.min(asked, rule) : asked;
        }
        return rule > 0 ? rule : context.defaultTimeoutMillis(cluster);
    }

    /**
     * An attempt of a retried call: the first one fixes the call's deadline; each attempt waits for the rule's
     * per-try timeout, or what is left of the deadline when that is shorter.
     */
    private static long attemptTimeoutMillis(Retry retry, long timeout, Admission admission, long now) {
        if (retry.deadlineNanos == 0) {
            retry.deadlineNanos = now + TimeUnit.MILLISECONDS.toNanos(timeout);
        }
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(retry.deadlineNanos - now));
        long perTry = admission.perTryTimeoutMillis();
        return perTry > 0 ? Math.min(perTry, left) : left;
    }

    private long nextId() {
        do {
            lastId = (lastId + 1) & idMask;
        } while (lastId == 0 || calls.containsKey(lastId));
        return lastId;
    }

    /**
     * Writes a request, its timeout field (when the protocol has one) set to what is left of the call: the caller's
     * timeout less the time already spent, or less when this attempt ends sooner (a shorter timeout rule, a per-try
     * timeout), so the next hop and the provider do not wait longer than the call will.
     */
    private void write(Call call, Frame request) {
        if (call != null && request.timeoutMillis() > 0) {
            long now = System.nanoTime();
            long since = call.retry != null ? call.retry.startNanos : call.startNanos;
            long left = request.timeoutMillis() - TimeUnit.NANOSECONDS.toMillis(now - since);
            if (call.timerDeadlineNanos != 0) {
                // rounded up: the next hop's deadline must not fall before ours, or it, not the sidecar nearest the
                // caller, would time the call out (a sub-millisecond race that rounding down made common)
                left = Math.min(left, ceilMillis(call.timerDeadlineNanos - now));
            }
            plugin.rewriteTimeout(request, (int) Math.max(1, left));
        }
        channel.writeAndFlush(request, channel.voidPromise());
    }

    private static long ceilMillis(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
    }

    private void flushWaiting() {
        for (Waiting w; (w = waiting.poll()) != null; ) {
            write(calls.get(w.id), w.request);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (frame.isControl()) {
            frame.release();
            drain();
        } else if (frame.isHeartbeat() && frame.isRequest()) {
            ctx.writeAndFlush(plugin.encodeHeartbeatResponse(frame, ctx.alloc()), ctx.voidPromise());
            frame.release();
        } else if (frame.isResponse()) {
            respond(frame);
        } else {
            frame.release();
        }
    }

    private void respond(Frame response) {
        Call call = calls.remove(response.requestId());
        if (call == null) {
            // the answer to a call that already ended (its caller got the timeout reply): it goes to nobody
            if (!response.isHeartbeat()) {
                cluster.metrics().lateResponse.increment();
                log.debug("[{}] late response {} from {} dropped", channel.id(), response.requestId(), host.endpoint());
            }
            response.release();
            return;
        }
        if (call.mirror) {
            mirrorDone(call, !response.isSuccess());
            response.release();
            closeIfDrained();
            return;
        }
        done(call, !response.isSuccess(), false);
        cluster.metrics().response(response.isSuccess() ? 200 : 500, call.startNanos);
        plugin.rewriteRequestId(response, call.originalId);
        if (call.downstream.isActive()) {
            call.downstream.writeAndFlush(response, call.downstream.voidPromise());
        } else {
            response.release();
        }
        closeIfDrained();
    }

    /** The timer of call {@code id} fired. */
    void timedOut(long id) {
        Call call = calls.remove(id);
        if (call == null) {
            return;
        }
        if (call.mirror) {
            mirrorDone(call, true);
            closeIfDrained();
            return;
        }
        cluster.metrics().timeout.increment();
        fail(
                call,
                ErrorKind.TIMEOUT,
                Admission.RETRY_TIMEOUT,
                "dualmode sidecar: no response from " + host.endpoint() + " within the timeout");
        closeIfDrained();
    }

    private void done(Call call, boolean failed, boolean retried) {
        call.finish(failed, retried);
        host.requestFinished(failed, call.startNanos);
        cluster.metrics().rqActive.decrementAndGet();
        context.proxy().requestFinished();
    }

    /**
     * An attempt failed before any reply with {@code condition} (an {@code Admission.RETRY_*} bit): retried when the
     * call's rule allows it, otherwise answered with the protocol's error reply.
     */
    private void fail(Call call, ErrorKind kind, int condition, String message) {
        if (call.mirror) {
            mirrorDone(call, true);
            return;
        }
        if (call.retry != null && call.retry.again(condition, host)) {
            cluster.metrics().failed(call.startNanos);
            done(call, true, true);
            return;
        }
        Channel down = call.downstream;
        if (down.isActive()) {
            context.listener().metrics().localReply(kind == ErrorKind.TIMEOUT ? 504 : 503);
            Frame header = call.header();
            try {
                down.writeAndFlush(plugin.encodeErrorResponse(header, kind, message, down.alloc()), down.voidPromise());
            } finally {
                header.release();
            }
        }
        cluster.metrics().failed(call.startNanos);
        done(call, true, false);
    }

    /** Stops taking calls; closes once the calls in flight are answered. */
    void drain() {
        if (!draining) {
            draining = true;
            onClose.run();
        }
        closeIfDrained();
    }

    private void closeIfDrained() {
        if (draining && calls.isEmpty() && channel != null) {
            channel.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.writeAndFlush(plugin.encodeHeartbeatRequest(nextId(), ctx.alloc()), ctx.voidPromise());
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!calls.isEmpty()) {
            cluster.metrics().reset.increment();
        }
        closeAndFail(
                Admission.RETRY_RESET | Admission.RETRY_UNAVAILABLE,
                "dualmode sidecar: connection to " + host.endpoint() + " closed before the response");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[{}] upstream {} failed: {}", ctx.channel().id(), host.endpoint(), cause.toString());
        ctx.close();
    }

    private void closeAndFail(int condition, String message) {
        if (!closed) {
            closed = true;
            onClose.run();
        }
        for (Waiting w; (w = waiting.poll()) != null; ) {
            w.request.release();
        }
        List<Call> cut = new ArrayList<>(calls.values());
        calls.clear();
        cut.forEach(c -> fail(c, ErrorKind.UPSTREAM_FAILURE, condition, message));
        if (channel != null) {
            channel.close();
        }
    }

    /** A request written once the connection is up. */
    private record Waiting(long id, Frame request) {}
}
