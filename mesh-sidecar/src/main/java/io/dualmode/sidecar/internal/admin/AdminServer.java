package io.dualmode.sidecar.internal.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.ClusterManager;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.config.AdminConfig;
import io.dualmode.sidecar.config.SidecarErrors;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics;
import io.dualmode.sidecar.internal.transport.ProxyRuntime;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoint (plain Netty HTTP/1.1 on its own event loop; not on the request path): {@code GET /config_dump},
 * {@code /clusters}, {@code /listeners}, {@code /stats}, {@code /metrics}, {@code /ready}, {@code /logging}, {@code
 * /mode}; {@code POST /logging?logger=&level=} and {@code POST /mode}. Unknown paths get 404, other methods 405,
 * bodies over 64 KiB 413, malformed requests 400.
 */
public final class AdminServer {
    private static final int MAX_BODY = 64 * 1024;
    private static final String JSON = "application/json";

    private final Sidecar sidecar;
    private final SidecarMetrics metrics;
    private final ClusterManager clusters;
    private final ProxyRuntime runtime;
    private final EventLoopGroup loop;
    /** Runs mode switches, which wait for the local registry endpoint: never on the admin event loop. */
    private final ThreadPoolExecutor blocking = new ThreadPoolExecutor(
            0,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(16),
            new DefaultThreadFactory("dualmode-sidecar-admin-work", true));

    private Channel server;

    private AdminServer(Sidecar sidecar, SidecarMetrics metrics, ClusterManager clusters, ProxyRuntime runtime) {
        this.sidecar = sidecar;
        this.metrics = metrics;
        this.clusters = clusters;
        this.runtime = runtime;
        DefaultThreadFactory threads = new DefaultThreadFactory("dualmode-sidecar-admin", true);
        this.loop = runtime.transport().nativeTransport()
                ? new EpollEventLoopGroup(1, threads)
                : new NioEventLoopGroup(1, threads);
    }

    /** Starts the admin endpoint. */
    public static AdminServer start(
            Sidecar sidecar,
            AdminConfig config,
            SidecarMetrics metrics,
            ClusterManager clusters,
            ProxyRuntime runtime) {
        AdminServer admin = new AdminServer(sidecar, metrics, clusters, runtime);
        try {
            admin.server = admin.bind(config);
        } catch (RuntimeException e) {
            admin.close();
            throw SidecarErrors.BIND_FAILED.exception(config.address() + ":" + config.port(), "admin", e.toString());
        }
        return admin;
    }

    private Channel bind(AdminConfig config) {
        return new ServerBootstrap()
                .group(loop)
                .channel(runtime.transport().serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpServerKeepAliveHandler())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new Handler());
                    }
                })
                .bind(config.address(), config.port())
                .syncUninterruptibly()
                .channel();
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Stops the endpoint. */
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        blocking.shutdownNow();
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (request.decoderResult().isFailure()) {
                reply(ctx, request, HttpResponseStatus.BAD_REQUEST, JSON, error("malformed request"), true);
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            String path = uri.path();
            HttpMethod method = request.method();
            boolean get = HttpMethod.GET.equals(method);
            boolean post = HttpMethod.POST.equals(method);
            switch (path) {
                case "/config_dump" -> onlyGet(ctx, request, get, () -> sidecar.config());
                case "/clusters" -> onlyGet(ctx, request, get, AdminServer.this::clusterList);
                case "/listeners" -> onlyGet(ctx, request, get, AdminServer.this::listenerList);
                case "/stats" -> onlyGet(ctx, request, get, AdminServer.this::stats);
                case "/metrics" -> {
                    if (get) {
                        reply(
                                ctx,
                                request,
                                HttpResponseStatus.OK,
                                "text/plain; version=0.0.4; charset=utf-8",
                                metrics.registry().scrape(),
                                false);
                    } else {
                        notAllowed(ctx, request, "GET");
                    }
                }
                case "/ready" -> {
                    if (get) {
                        boolean ready = sidecar.ready() && !runtime.draining();
                        reply(
                                ctx,
                                request,
                                ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                                "text/plain; charset=utf-8",
                                ready ? "ready\n" : "not ready\n",
                                false);
                    } else {
                        notAllowed(ctx, request, "GET");
                    }
                }
                case "/logging" -> {
                    if (get) {
                        json(ctx, request, Map.of("root", rootLevel()));
                    } else if (post) {
                        setLogLevel(ctx, request, uri);
                    } else {
                        notAllowed(ctx, request, "GET, POST");
                    }
                }
                case "/mode" -> {
                    if (get) {
                        json(ctx, request, Map.of("mode", sidecar.mode().get().wireName()));
                    } else if (post) {
                        setMode(ctx, request);
                    } else {
                        notAllowed(ctx, request, "GET, POST");
                    }
                }
                default ->
                    reply(ctx, request, HttpResponseStatus.NOT_FOUND, JSON, error("no admin resource " + path), false);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LoggerFactory.getLogger(AdminServer.class).debug("admin connection failed: {}", cause.toString());
            ctx.close();
        }
    }

    private void onlyGet(ChannelHandlerContext ctx, FullHttpRequest request, boolean get, Supplier<Object> body) {
        if (get) {
            json(ctx, request, body.get());
        } else {
            notAllowed(ctx, request, "GET");
        }
    }

    private void setMode(ChannelHandlerContext ctx, FullHttpRequest request) {
        Mode next = Mode.parse(AdminJson.stringMember(request.content().toString(StandardCharsets.UTF_8), "mode"));
        if (next == null) {
            reply(
                    ctx,
                    request,
                    HttpResponseStatus.BAD_REQUEST,
                    JSON,
                    error("body must be {\"mode\":\"mesh\"} or {\"mode\":\"sdk\"}"),
                    false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        try {
            blocking.execute(() -> {
                String body;
                HttpResponseStatus status = HttpResponseStatus.OK;
                try {
                    Mode previous = sidecar.mode().set(next);
                    body = AdminJson.write(Map.of("mode", next.wireName(), "previous", previous.wireName()));
                } catch (RuntimeException e) {
                    status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
                    body = error("mode switch to " + next.wireName() + " failed: " + e);
                }
                send(ctx, status, JSON, body, keepAlive);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            reply(
                    ctx,
                    request,
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    JSON,
                    error("too many mode switches waiting"),
                    false);
        }
    }

    private void setLogLevel(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        Map<String, List<String>> params = uri.parameters();
        String logger = params.getOrDefault("logger", List.of("ROOT")).get(0);
        String level = params.getOrDefault("level", List.of("")).get(0);
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context) || level.isEmpty()) {
            reply(
                    ctx,
                    request,
                    HttpResponseStatus.BAD_REQUEST,
                    JSON,
                    error("use POST /logging?logger=<name>&level=<TRACE|DEBUG|INFO|WARN|ERROR>"),
                    false);
            return;
        }
        context.getLogger(logger).setLevel(Level.toLevel(level, Level.INFO));
        json(
                ctx,
                request,
                Map.of(
                        "logger",
                        logger,
                        "level",
                        context.getLogger(logger).getLevel().toString()));
    }

    private static String rootLevel() {
        return LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                ? String.valueOf(context.getLogger("ROOT").getLevel())
                : "unknown";
    }

    private List<Map<String, Object>> clusterList() {
        Map<String, Cluster> byName = new TreeMap<>();
        clusters.clusters().forEach(c -> byName.put(c.name(), c));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Cluster c : byName.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("lbPolicy", c.config().lbPolicy());
            m.put("endpoints", c.hosts().stream().map(AdminServer::host).toList());
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> host(UpstreamHost h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", h.endpoint().host());
        m.put("port", h.endpoint().port());
        m.put("weight", h.endpoint().weight());
        m.put("metadata", h.endpoint().metadata());
        m.put("healthy", h.healthy());
        m.put("ejected", h.ejected());
        m.put("activeRequests", h.activeRequests());
        return m;
    }

    private List<Map<String, Object>> listenerList() {
        List<Map<String, Object>> out = new ArrayList<>();
        sidecar.listeners().forEach(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("direction", l.direction());
            m.put("protocol", l.protocol());
            InetSocketAddress a = sidecar.listenerAddress(l.name());
            m.put("address", a == null ? null : a.getHostString() + ":" + a.getPort());
            m.put("cluster", l.cluster());
            out.add(m);
        });
        return out;
    }

    private Map<String, Object> stats() {
        Map<String, Object> out = new TreeMap<>();
        for (Meter meter : metrics.registry().getMeters()) {
            StringBuilder key = new StringBuilder(meter.getId().getName());
            for (Tag t : meter.getId().getTags()) {
                key.append('.').append(t.getKey()).append('=').append(t.getValue());
            }
            for (Measurement m : meter.measure()) {
                out.put(key + "." + m.getStatistic().getTagValueRepresentation(), m.getValue());
            }
        }
        return out;
    }

    private static void json(ChannelHandlerContext ctx, FullHttpRequest request, Object body) {
        reply(ctx, request, HttpResponseStatus.OK, JSON, AdminJson.write(body), false);
    }

    private static void notAllowed(ChannelHandlerContext ctx, FullHttpRequest request, String allow) {
        FullHttpResponse response = response(
                HttpResponseStatus.METHOD_NOT_ALLOWED,
                JSON,
                error(request.method() + " is not allowed here; use " + allow),
                HttpUtil.isKeepAlive(request));
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        ctx.writeAndFlush(response);
    }

    private static String error(String message) {
        return AdminJson.write(Map.of("error", SidecarErrors.ADMIN_BAD_REQUEST.format(message)));
    }

    private static void reply(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            HttpResponseStatus status,
            String contentType,
            String body,
            boolean close) {
        send(ctx, status, contentType, body, !close && HttpUtil.isKeepAlive(request));
    }

    private static void send(
            ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, String body, boolean keepAlive) {
        FullHttpResponse response = response(status, contentType, body, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(f -> ctx.close());
        }
    }

    private static FullHttpResponse response(
            HttpResponseStatus status, String contentType, String body, boolean keepAlive) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        return response;
    }
}
