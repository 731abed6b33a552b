package io.dualmode.registry.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualmode.registry.internal.grpc.BiRequestStreamGrpc;
import io.dualmode.registry.internal.grpc.Payload;
import io.dualmode.registry.internal.grpc.RequestGrpc;
import io.dualmode.registry.metrics.RegistryMetrics;
import io.dualmode.registry.naming.InvalidRequestException;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server of the Nacos 2.x client protocol: unary {@code /Request/request} dispatched by payload type to a
 * {@link RequestHandler}, and the {@code /BiRequestStream/requestBiStream} on which clients set up their connection
 * and answer server pushes. Whoever embeds it supplies the handlers; the registry supplies naming and config ones, a
 * sidecar its own.
 */
public final class GrpcFrontend implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GrpcFrontend.class);
    private static final Attributes.Key<Connection> CONNECTION_ATTR = Attributes.Key.create("dualmode.connection");
    private static final Context.Key<Connection> CONNECTION_CTX = Context.key("dualmode.connection");
    /** The gRPC message limit; larger requests fail in the transport. Our own limit is checked below it. */
    private static final int TRANSPORT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** Runs a task on the calling (transport) thread. */
    private static final Executor DIRECT = Runnable::run;

    private final ConnectionManager connections;
    private final Map<String, RequestHandler> handlers;
    private final Payloads payloads;
    private final RegistryMetrics metrics;
    private final int maxRequestBytes;
    private Server server;

    public GrpcFrontend(
            ConnectionManager connections,
            Map<String, RequestHandler> handlers,
            Payloads payloads,
            RegistryMetrics metrics,
            int maxRequestBytes) {
        this.connections = connections;
        this.handlers = Map.copyOf(handlers);
        this.payloads = payloads;
        this.metrics = metrics;
        this.maxRequestBytes = maxRequestBytes;
    }

    /** Binds and starts serving on {@code address}. */
    public GrpcFrontend start(InetSocketAddress address, Executor executor) {
        ServerInterceptor interceptor = new ConnectionInterceptor();
        try {
            server = NettyServerBuilder.forAddress(address)
                    .executor(executor)
                    // Bi-stream messages (acks, detection answers, setup) are cheap and must never queue behind
                    // client requests: they run on the transport thread.
                    .callExecutor(new StreamsOnTransport())
                    .maxInboundMessageSize(TRANSPORT_MAX_MESSAGE_BYTES)
                    .permitKeepAliveTime(1, TimeUnit.MINUTES)
                    .permitKeepAliveWithoutCalls(true)
                    .addTransportFilter(new ConnectionFilter())
                    .addService(ServerInterceptors.intercept(new UnaryService(), interceptor))
                    .addService(ServerInterceptors.intercept(new StreamService(), interceptor))
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("REGISTRY-0001: cannot bind the gRPC port " + address, e);
        }
        return this;
    }

    /** The port actually bound. */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }

    Payload dispatch(Connection connection, Payload request) {
        String type = request.getMetadata().getType();
        if ("ServerCheckRequest".equals(type)) {
            ObjectNode body = payloads.ok();
            body.put("connectionId", connection == null ? "" : connection.id());
            body.put("supportAbilityNegotiation", true);
            metrics.request(type, 200);
            return payloads.payload("ServerCheckResponse", body);
        }
        RequestHandler handler = handlers.get(type);
        try {
            if (handler == null) {
                throw new RemoteException(
                        RemoteException.NO_HANDLER, "RequestHandler Not Found: unknown request type '" + type + "'");
            }
            if (connection == null || !connection.registered()) {
                throw new RemoteException(RemoteException.UN_REGISTER, "Connection is unregistered.");
            }
            if (request.getBody().getValue().size() > maxRequestBytes) {
                throw new RemoteException(
                        RemoteException.INVALID_PARAM,
                        type + " body of " + request.getBody().getValue().size() + " bytes exceeds the limit of "
                                + maxRequestBytes + " bytes");
            }
            JsonNode body = payloads.body(request);
            connection.touch();
            ObjectNode response = handler.handle(connection, body, payloads.ok());
            if (body.hasNonNull("requestId")) {
                response.put("requestId", body.get("requestId").asText());
            }
            metrics.request(
                    type,
                    response.path("resultCode").asInt(200) == 200
                            ? 200
                            : response.path("errorCode").asInt());
            return payloads.payload(handler.responseType(), response);
        } catch (RemoteException e) {
            return failure(type, e.code(), e.getMessage());
        } catch (InvalidRequestException e) {
            // A refused request is answered in its own response type: nacos-client then raises the error to the
            // caller without marking the connection unhealthy and reconnecting, as it does for an ErrorResponse.
            metrics.request(type, e.code());
            return payloads.payload(handler.responseType(), payloads.failure(e.code(), e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("REGISTRY-0104: {} from {} failed", type, connection, e);
            return failure(type, RemoteException.SERVER_ERROR, type + " failed: " + e);
        }
    }

    private Payload failure(String type, int code, String message) {
        metrics.request(type.isEmpty() ? "(none)" : type, code);
        log.debug("{} answered with error {}: {}", type, code, message);
        return payloads.error(code, message);
    }

    private void onStreamMessage(Connection connection, StreamObserver<Payload> observer, Payload payload) {
        String type = payload.getMetadata().getType();
        JsonNode body;
        try {
            body = payloads.body(payload);
        } catch (RemoteException e) {
            log.debug("dropping unreadable {} on the stream of {}: {}", type, connection, e.getMessage());
            return;
        }
        connection.touch();
        if ("ConnectionSetupRequest".equals(type)) {
            setUp(connection, observer, body);
        } else if (type.endsWith("Response")) {
            connection.responded(
                    body.path("requestId").asText(),
                    body,
                    body.path("resultCode").asInt(200) == 200,
                    body.path("message").asText(""));
        } else {
            log.debug("ignoring {} on the stream of {}", type, connection);
        }
    }

    private void setUp(Connection connection, StreamObserver<Payload> observer, JsonNode body) {
        Map<String, String> labels = new HashMap<>();
        body.path("labels")
                .fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        connection.setUp(observer, body.path("clientVersion").asText(""), labels);
        if (body.hasNonNull("abilityTable")) {
            ObjectNode ack = payloads.request("internal");
            ack.putObject("abilityTable").put("supportPersistentInstanceByGrpc", true);
            ack.put("requestId", "0");
            connection.send(payloads.payload("SetupAckRequest", ack));
        }
        log.debug("connection {} set up by {} {}", connection.id(), connection.clientVersion(), labels);
    }

    /** Bi-stream calls run on the transport thread; unary calls on the worker executor. */
    private static final class StreamsOnTransport implements ServerCallExecutorSupplier {
        @Override
        public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
            return call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.BIDI_STREAMING ? DIRECT : null;
        }
    }

    private final class UnaryService extends RequestGrpc.RequestImplBase {
        @Override
        public void request(Payload request, StreamObserver<Payload> responseObserver) {
            responseObserver.onNext(dispatch(CONNECTION_CTX.get(), request));
            responseObserver.onCompleted();
        }
    }

    private final class StreamService extends BiRequestStreamGrpc.BiRequestStreamImplBase {
        @Override
        public StreamObserver<Payload> requestBiStream(StreamObserver<Payload> responseObserver) {
            Connection connection = CONNECTION_CTX.get();
            return new StreamObserver<>() {
                @Override
                public void onNext(Payload payload) {
                    if (connection != null) {
                        onStreamMessage(connection, responseObserver, payload);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    streamEnded();
                }

                @Override
                public void onCompleted() {
                    streamEnded();
                }

                private void streamEnded() {
                    if (connection != null && connection.usesStream(responseObserver)) {
                        connections.unregister(connection.id(), "bi-stream ended");
                    }
                }
            };
        }
    }

    private final class ConnectionFilter extends ServerTransportFilter {
        @Override
        public Attributes transportReady(Attributes attrs) {
            SocketAddress remote = attrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            String ip = "unknown";
            int port = 0;
            if (remote instanceof InetSocketAddress inet) {
                ip = inet.getAddress().getHostAddress();
                port = inet.getPort();
            }
            Connection connection = connections.transportReady(ip, port);
            return attrs.toBuilder().set(CONNECTION_ATTR, connection).build();
        }

        @Override
        public void transportTerminated(Attributes attrs) {
            // gRPC passes null when the transport closed before it was ready (a client that gave up mid-handshake).
            Connection connection = attrs == null ? null : attrs.get(CONNECTION_ATTR);
            if (connection != null) {
                connections.unregister(connection.id(), "transport terminated");
            }
        }
    }

    private static final class ConnectionInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            Connection connection = call.getAttributes().get(CONNECTION_ATTR);
            return Contexts.interceptCall(Context.current().withValue(CONNECTION_CTX, connection), call, headers, next);
        }
    }
}
