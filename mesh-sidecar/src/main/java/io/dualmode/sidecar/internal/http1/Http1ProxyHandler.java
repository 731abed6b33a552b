package io.dualmode.sidecar.internal.http1;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.SidecarErrors;
import io.dualmode.sidecar.internal.governance.Admission;
import io.dualmode.sidecar.internal.governance.ServicePolicy;
import io.dualmode.sidecar.internal.transport.DeadlineTimer;
import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tail of a downstream HTTP/1.1 connection. Runs one {@link Exchange} at a time; pipelined
 * requests wait in a queue (and reading pauses) so responses go out in request order.
 */
final class Http1ProxyHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Http1ProxyHandler.class);
    private static final int MAX_QUEUED = 64;

    private final ListenerRuntime listener;
    private final ArrayDeque<Object> queued = new ArrayDeque<>(4);
    private Channel channel;
    private Exchange current;
    private boolean closing;
    private boolean pausedForConnect;
    private boolean pausedForWrite;
    private boolean pausedForUpgrade;
    private final DeadlineTimer timer = new DeadlineTimer(this::timerFired);
    /** When the connection last had no request in progress ({@link System#nanoTime()}). */
    private long idleSince;

    Http1ProxyHandler(ListenerRuntime listener) {
        this.listener = listener;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        idleSince = System.nanoTime();
        listener.metrics().cxTotal.increment();
        listener.metrics().cxActive.incrementAndGet();
        listener.proxy().track(channel);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (!queued.isEmpty() || (current != null && current.requestDone())) {
            queued.add(msg);
            updateAutoRead();
        } else {
            dispatch(msg);
        }
    }

    private void dispatch(Object msg) {
        if (current != null) {
            current.requestPart(msg);
        } else if (msg instanceof RequestHead head) {
            begin(head);
        } else if (msg instanceof ScanError err) {
            rejected(err);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(RequestHead head) {
        listener.metrics().rqTotal.increment();
        Cluster cluster = listener.router().route(head.host);
        if (cluster == null) {
            String service = head.host;
            boolean close = !head.keepAlive || head.hasBody() || head.upgrade;
            head.release();
            localReply(503, SidecarErrors.NO_ROUTE, SidecarErrors.NO_ROUTE.format(service), close);
            return;
        }
        Admission admission = admit(head);
        if (admission.rejected()) {
            boolean close = !head.keepAlive || head.hasBody() || head.upgrade;
            head.release();
            cluster.metrics().localReply(admission.status(), System.nanoTime());
            localReply(admission.status(), admission.error(), admission.message(), close);
            return;
        }
        listener.proxy().requestStarted();
        Exchange exchange = new Exchange(this, listener, cluster, head, admission);
        current = exchange;
        if (admission.delayMillis() > 0) {
            channel.eventLoop().schedule(exchange::startDelayed, admission.delayMillis(), TimeUnit.MILLISECONDS);
        } else {
            exchange.start();
        }
    }

    /** Runs the governance filters of the service, if it has rules. */
    private Admission admit(RequestHead head) {
        ServicePolicy policy = listener.proxy().governance().policy(head.host);
        return policy == null
                ? Admission.PASS
                : policy.admit(new HeadView(head), listener.config().direction() == ListenerConfig.Direction.INGRESS);
    }

    private void rejected(ScanError err) {
        listener.metrics().protocolError.increment();
        log.debug("[{}] rejected request: {}", channel.id(), err.reason());
        SidecarErrors error = LocalReply.errorFor(err.status());
        localReply(err.status(), error, error.code() + ": " + err.reason(), true);
    }

    private void localReply(int status, SidecarErrors error, String message, boolean close) {
        listener.metrics().localReply(status);
        channel.writeAndFlush(LocalReply.of(channel.alloc(), status, error, message, close));
        if (close) {
            closeAfterFlush();
        } else if (current == null) {
            drainQueue();
        }
    }

    /** Called once by the current exchange when its response has been written. */
    void exchangeComplete(Exchange exchange, boolean close) {
        if (exchange != current) {
            return;
        }
        current = null;
        idleSince = System.nanoTime();
        listener.proxy().requestFinished();
        pausedForConnect = false;
        pausedForWrite = false;
        pausedForUpgrade = false;
        if (close || listener.proxy().draining()) {
            closeAfterFlush();
        } else if (exchange.upgradeRefused()) {
            updateAutoRead();
            scanner().resume(channel.pipeline().context(RequestScanner.class));
        } else {
            drainQueue();
        }
    }

    private void drainQueue() {
        while (!closing && !queued.isEmpty() && (current == null || !current.requestDone())) {
            dispatch(queued.poll());
        }
        if (current != null) {
            current.flushUpstream();
        }
        updateAutoRead();
    }

    private void closeAfterFlush() {
        closing = true;
        releaseQueued();
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    void pauseForConnect(boolean paused) {
        pausedForConnect = paused;
        updateAutoRead();
    }

    /**
     * Makes sure the connection's timer fires by {@code deadline}. One timer serves the connection's successive
     * exchanges: when it fires it times out the current exchange if that is overdue, or re-arms for its deadline, so
     * keep-alive traffic does not schedule and cancel a task per request.
     */
    void armTimeout(long deadline) {
        timer.arm(channel.eventLoop(), deadline);
    }

    private void timerFired() {
        Exchange e = current;
        if (e == null || e.deadline() == Long.MAX_VALUE || closing) {
            return;
        }
        if (System.nanoTime() - e.deadline() >= 0) {
            e.onTimeout();
        } else {
            armTimeout(e.deadline());
        }
    }

    void pauseForUpgrade(boolean paused) {
        pausedForUpgrade = paused;
        updateAutoRead();
    }

    /** The upstream switched protocols: relay raw bytes both ways from now on. */
    void startTunnel() {
        pausedForUpgrade = false;
        updateAutoRead();
        scanner().tunnel(channel.pipeline().context(RequestScanner.class));
    }

    private RequestScanner scanner() {
        return channel.pipeline().get(RequestScanner.class);
    }

    void pauseForWrite(boolean paused) {
        pausedForWrite = paused;
        updateAutoRead();
    }

    private void updateAutoRead() {
        boolean read = !pausedForConnect && !pausedForWrite && !pausedForUpgrade && queued.size() < MAX_QUEUED;
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (current != null) {
            current.flushUpstream();
        }
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.downstreamWritability(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        listener.metrics().cxActive.decrementAndGet();
        closing = true;
        timer.cancel();
        releaseQueued();
        Exchange e = current;
        current = null;
        if (e != null) {
            e.downstreamClosed();
            listener.proxy().requestFinished();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // The idle handler watches reads only (watching writes costs a promise and a listener per write), so its
        // event says "nothing read for idleTimeout"; the connection closes once it has also had no request in
        // progress for that long, at the latest one more idleTimeout later.
        if (evt instanceof IdleStateEvent
                && current == null
                && queued.isEmpty()
                && System.nanoTime() - idleSince
                        >= listener.limits().idleTimeout().toNanos()) {
            log.debug("[{}] closing idle downstream connection", ctx.channel().id());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[{}] downstream error: {}", ctx.channel().id(), cause.toString());
        ctx.close();
    }

    private void releaseQueued() {
        Object msg;
        while ((msg = queued.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
