package io.dualmode.bench.registry;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Many {@link LightClient}s on one small Netty event loop group: no thread per connection, callbacks run directly on
 * the event loop.
 */
final class ClientGroup implements AutoCloseable {

    private final String host;
    private final int grpcPort;
    private final NioEventLoopGroup eventLoops;
    private final List<LightClient> clients = new ArrayList<>();

    ClientGroup(String host, int grpcPort, int threads) {
        this.host = host;
        this.grpcPort = grpcPort;
        this.eventLoops = new NioEventLoopGroup(threads, new DefaultThreadFactory("bench-client", true));
    }

    /** A new client, not yet connected. */
    synchronized LightClient newClient() {
        LightClient client = new LightClient(
                clients.size(),
                NettyChannelBuilder.forAddress(host, grpcPort)
                        .usePlaintext()
                        .eventLoopGroup(eventLoops)
                        .channelType(NioSocketChannel.class)
                        .directExecutor()
                        .maxInboundMessageSize(10 * 1024 * 1024)
                        .build());
        clients.add(client);
        return client;
    }

    /** Connects {@code count} new clients, at most {@code parallelism} handshakes at a time. */
    List<LightClient> connect(int count, int parallelism, LightClient.PushListener listener)
            throws InterruptedException {
        Semaphore permits = new Semaphore(parallelism);
        List<CompletableFuture<LightClient>> pending = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            permits.acquire();
            pending.add(newClient().onPush(listener).connect().whenComplete((c, e) -> permits.release()));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        return pending.stream().map(CompletableFuture::join).toList();
    }

    @Override
    public synchronized void close() {
        clients.forEach(LightClient::startClosing);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (LightClient client : clients) {
            try {
                if (!client.awaitClosed(Math.max(0, deadline - System.nanoTime()))) {
                    client.forceClose();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                client.forceClose();
            }
        }
        eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
