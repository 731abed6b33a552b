package io.dualmode.sidecar.agent;

import io.dualmode.sidecar.agent.SofaMeshApi.Reply;
import io.dualmode.sidecar.config.SidecarErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The HTTP side of {@link SofaMeshApi}: its five {@code POST} paths on the local registry endpoint's HTTP port and,
 * when configured, on a port of their own (13330 by convention). The body is read whole (at most
 * {@value #MAX_BODY} bytes) and served on the agent's executor, never on an event loop, since it waits on the registry.
 */
final class MeshApiRoutes {

    /** The largest request body accepted; SOFARPC's are a few hundred bytes. */
    static final int MAX_BODY = 256 * 1024;

    private final SofaMeshApi api;
    private final Scheduler blocking;
    private final MeterRegistry meters;

    MeshApiRoutes(SofaMeshApi api, ExecutorService executor, MeterRegistry meters) {
        this.api = api;
        this.blocking = Schedulers.fromExecutorService(executor, "dualmode-mesh-api");
        this.meters = meters;
    }

    /** Adds the five paths to {@code routes}. */
    HttpServerRoutes install(HttpServerRoutes routes) {
        return routes.route(req -> SofaMeshApi.ENDPOINTS.contains(req.fullPath()), this::serve);
    }

    /** A server of its own for the API on {@code host:port}, answering unknown paths with a JSON 404. */
    DisposableServer bind(String host, int port) {
        return HttpServer.create()
                .host(host)
                .port(port)
                .route(r -> install(r).route(req -> true, this::notFound))
                .bindNow(Duration.ofSeconds(5));
    }

    private Publisher<Void> serve(HttpServerRequest req, HttpServerResponse res) {
        String endpoint = req.fullPath();
        if (!HttpMethod.POST.equals(req.method())) {
            return send(res, endpoint, api.error(405, SidecarErrors.MESH_API_NOT_FOUND.format(req.method(), endpoint)));
        }
        long length = req.requestHeaders().getInt("Content-Length", 0);
        if (length > MAX_BODY) {
            return send(
                    res,
                    endpoint,
                    api.error(
                            413,
                            SidecarErrors.MESH_API_BAD_FIELD.format(
                                    endpoint, "the body is larger than " + MAX_BODY + " bytes")));
        }
        return req.receive()
                .aggregate()
                .asByteArray()
                .defaultIfEmpty(new byte[0])
                .publishOn(blocking)
                .map(body -> api.handle(endpoint, body))
                .onErrorResume(e -> Mono.just(api.error(500, SidecarErrors.MESH_API_INTERNAL.format(endpoint, e))))
                .flatMap(reply -> Mono.from(send(res, endpoint, reply)));
    }

    private Publisher<Void> notFound(HttpServerRequest req, HttpServerResponse res) {
        return send(
                res,
                req.fullPath(),
                api.error(404, SidecarErrors.MESH_API_NOT_FOUND.format(req.method(), req.fullPath())));
    }

    private Publisher<Void> send(HttpServerResponse res, String endpoint, Reply reply) {
        Counter.builder("sidecar.mesh_api.rq")
                .description("SOFA mesh API requests by endpoint and HTTP status")
                .tag("endpoint", SofaMeshApi.ENDPOINTS.contains(endpoint) ? endpoint : "other")
                .tag("status", Integer.toString(reply.status()))
                .register(meters)
                .increment();
        res.status(HttpResponseStatus.valueOf(reply.status())).header("Content-Type", "application/json");
        if (reply.status() >= 400) {
            // An error answer closes the connection. It is written at once on the event loop, and Reactor Netty
            // 1.2.x can stop reading a keep-alive connection whose next request arrived while such an answer was
            // completing (reactor/reactor-netty#4347, fixed after 1.2.18): the client's next request would wait
            // forever. A client that got an error opens a new connection instead.
            res.keepAlive(false);
        }
        return res.sendString(Mono.just(reply.body()));
    }
}
