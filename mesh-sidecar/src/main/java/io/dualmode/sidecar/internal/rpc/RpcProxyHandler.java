package io.dualmode.sidecar.internal.rpc;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.config.GovernanceConfig;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.SidecarErrors;
import io.dualmode.sidecar.internal.governance.Admission;
import io.dualmode.sidecar.internal.governance.CallView;
import io.dualmode.sidecar.internal.governance.GovernanceSnapshot;
import io.dualmode.sidecar.internal.transport.Router;
import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.ProtocolPlugin;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downstream side of an RPC connection: answers heartbeats itself, routes each call by its routing key to a
 * cluster, and hands it to the event loop's shared upstream connection to the chosen host. Calls that cannot be
 * routed get the protocol's error reply; one-way calls get nothing.
 *
 * <p>Governance: each call goes through the same {@link GovernanceSnapshot#admit} as HTTP/1.1, keyed on the registry
 * service name (or, for a request that names none, the listener's cluster without its {@code inbound|} prefix). A
 * rejected call gets the protocol's error reply carrying the rule's message; an admitted one is delayed, sent to a
 * host of the chosen subset, and held to the rule's timeout. The handler is its own {@link CallView} for the call
 * being admitted (one connection, one event loop), so admitting allocates nothing here. Headers are the protocol's
 * own header area ({@link ProtocolPlugin#header}): Bolt's header map, where the egress sidecar writes the caller
 * identity ({@code governance.callerIdentity} under {@code governance.callerHeader}) and the ingress sidecar reads it;
 * Dubbo has none (its attachments are in the Hessian body after the arguments), so a Dubbo caller is unknown to
 * access control (policies for {@code "*"} and the default action apply).
 *
 * <p>Retries: when the service's retry rule allows it, the call keeps a retained duplicate of its frame ({@link
 * Retry}) and is sent again to another host when an attempt fails before any reply.
 */
final class RpcProxyHandler extends ChannelInboundHandlerAdapter implements CallView {
    private static final Logger log = LoggerFactory.getLogger(RpcProxyHandler.class);

    private final ProtocolPlugin plugin;
    private final RpcContext context;
    private final Function<ChannelHandlerContext, UpstreamPool> pools;
    private final boolean ingress;
    private Frame admitting;
    private io.netty.channel.Channel channel;

    RpcProxyHandler(ProtocolPlugin plugin, RpcContext context, Function<ChannelHandlerContext, UpstreamPool> pools) {
        this.plugin = plugin;
        this.context = context;
        this.pools = pools;
        this.ingress = context.listener().config().direction() == ListenerConfig.Direction.INGRESS;
    }

    @Override
    public String method() {
        return admitting.routingKey().method();
    }

    /**
     * The protocol's header entry; for the caller header of a request that carries none (every Dubbo call), the
     * caller configured for the peer's address ({@code governance.callerAddresses}).
     */
    @Override
    public String header(String lowerCaseName) {
        String value = plugin.header(admitting, lowerCaseName);
        if (value == null && ingress) {
            GovernanceConfig g = context.listener().snapshot().get().governance();
            if (lowerCaseName.equals(g.callerHeader())
                    && channel.remoteAddress() instanceof java.net.InetSocketAddress peer) {
                return g.callerAt(peer.getAddress());
            }
        }
        return value;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        channel = ctx.channel();
        if (!(msg instanceof Frame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (frame.isHeartbeat()) {
            if (frame.isRequest()) {
                ctx.writeAndFlush(plugin.encodeHeartbeatResponse(frame, ctx.alloc()), ctx.voidPromise());
            }
            frame.release();
        } else if (frame.isRequest() && !frame.isControl()) {
            forward(ctx, frame);
        } else {
            frame.release();
        }
    }

    /** On egress, the request carrying this application's identity in the protocol's header area, if it has one. */
    private Frame identified(Frame request) {
        if (ingress) {
            return request;
        }
        GovernanceConfig g = context.listener().snapshot().get().governance();
        return g.callerIdentity() == null ? request : plugin.withHeader(request, g.callerHeader(), g.callerIdentity());
    }

    private void forward(ChannelHandlerContext ctx, Frame original) {
        context.listener().metrics().rqTotal.increment();
        Frame request = identified(original);
        String service = context.routes().service(plugin.name(), request.routingKey());
        Cluster cluster = context.listener().router().route(service);
        if (cluster == null) {
            reject(ctx, request, "dualmode sidecar: no route for service " + service);
            return;
        }
        Admission admission = admit(service, cluster, request);
        if (admission.rejected()) {
            cluster.metrics().localReply(admission.status(), System.nanoTime());
            reject(ctx, request, kind(admission.error()), admission.status(), admission.message());
            return;
        }
        if (admission.delayMillis() > 0) {
            ctx.executor()
                    .schedule(
                            () -> send(ctx, request, service, cluster, admission),
                            admission.delayMillis(),
                            TimeUnit.MILLISECONDS);
        } else {
            send(ctx, request, service, cluster, admission);
        }
    }

    private void send(ChannelHandlerContext ctx, Frame request, String service, Cluster cluster, Admission admission) {
        UpstreamHost host = cluster.select(null, admission.subset());
        if (host == null) {
            admission.complete(false);
            cluster.metrics().localReply(503, System.nanoTime());
            reject(ctx, request, "dualmode sidecar: no healthy upstream for service " + service);
            return;
        }
        UpstreamPool pool = pools.apply(ctx);
        if (admission.mirror() != null) {
            mirror(ctx, pool, cluster, admission.mirror(), request);
        }
        Retry retry = admission.retries() > 0 && admission.retryOn() != 0 && request.expectsResponse()
                ? new Retry(plugin, pool, cluster, admission, ctx.channel(), request.retainedDuplicate())
                : null;
        pool.get(plugin, cluster, host).send(ctx.channel(), request, admission, retry);
    }

    /**
     * Sends a copy of the call to a host of the mirror subset, with its own request id. The copy shares the body
     * with the call (a retained slice of the same pooled buffer); only its first bytes, where the protocol keeps the
     * request id, are copied, so giving the copy its id cannot change the call's.
     */
    private void mirror(
            ChannelHandlerContext ctx, UpstreamPool pool, Cluster cluster, Admission.Mirror mirror, Frame request) {
        cluster.metrics().mirror.increment();
        UpstreamHost target = cluster.select(null, mirror.subset());
        if (target == null) {
            cluster.metrics().mirrorFailed.increment();
            return;
        }
        ByteBuf content = request.content();
        int from = content.readerIndex();
        int n = Math.min(content.readableBytes(), Call.HEADER_COPY);
        ByteBuf copy = Unpooled.wrappedBuffer(
                content.copy(from, n), content.retainedSlice(from + n, content.readableBytes() - n));
        pool.get(plugin, cluster, target).mirror(ctx.channel(), request.replace(copy));
    }

    /** The governance verdict: one read of the snapshot, nothing allocated when no rule concerns the service. */
    private Admission admit(String service, Cluster cluster, Frame request) {
        GovernanceSnapshot governance = context.proxy().governance();
        String key = service != null ? service : policyKey(cluster.name());
        if (governance.policy(key) == null) {
            return Admission.PASS;
        }
        admitting = request;
        try {
            return governance.admit(key, this, ingress);
        } finally {
            admitting = null;
        }
    }

    private static String policyKey(String clusterName) {
        return clusterName.startsWith(Router.INBOUND_PREFIX)
                ? clusterName.substring(Router.INBOUND_PREFIX.length())
                : clusterName;
    }

    /** The protocol-neutral kind of a governance rejection, which each plug-in maps to its own status. */
    private static ErrorKind kind(SidecarErrors error) {
        return switch (error) {
            case ACCESS_DENIED -> ErrorKind.DENIED;
            case RATE_LIMITED, ADAPTIVE_SHED, CIRCUIT_OPEN -> ErrorKind.OVERLOADED;
            case FAULT_ABORT -> ErrorKind.UPSTREAM_FAILURE;
            default -> ErrorKind.INTERNAL;
        };
    }

    private void reject(ChannelHandlerContext ctx, Frame request, String message) {
        reject(ctx, request, ErrorKind.NO_ROUTE, 503, message);
    }

    private void reject(ChannelHandlerContext ctx, Frame request, ErrorKind kind, int status, String message) {
        log.debug("[{}] {}", ctx.channel().id(), message);
        if (request.expectsResponse()) {
            context.listener().metrics().localReply(status);
            ctx.writeAndFlush(plugin.encodeErrorResponse(request, kind, message, ctx.alloc()), ctx.voidPromise());
        }
        request.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[{}] RPC connection failed: {}", ctx.channel().id(), cause.toString());
        ctx.close();
    }
}
