package io.dualmode.sidecar.it;

import java.time.Duration;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/** A TCP server that reads the first bytes of each connection and then closes it, answering nothing. */
final class Blackhole implements AutoCloseable {
    private final DisposableServer server;

    Blackhole(String host) {
        server = TcpServer.create()
                .host(host)
                .port(0)
                .handle((in, out) -> in.receive().next().then())
                .bindNow(Duration.ofSeconds(5));
    }

    String host() {
        return server.host();
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
