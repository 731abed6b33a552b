package io.dualmode.sidecar.internal.http1;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.internal.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle upstream HTTP/1.1 connections of one event loop, per upstream address. Only its own loop
 * touches it, so it needs no lock; new connections are made on the same loop.
 */
final class Http1Pool {
    private static final FastThreadLocal<Http1Pool> POOLS = new FastThreadLocal<>();

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<SocketAddress, ArrayDeque<Channel>> idle = new HashMap<>();

    private Http1Pool(EventLoop loop, Transport transport) {
        this.loop = loop;
        this.bootstrap = transport.upstream(loop);
    }

    /** The pool of the calling event loop. */
    static Http1Pool current(EventLoop loop, Transport transport) {
        Http1Pool pool = POOLS.get();
        if (pool == null || pool.loop != loop) {
            pool = new Http1Pool(loop, transport);
            POOLS.set(pool);
        }
        return pool;
    }

    /** An idle connection to {@code host}, or a new one being connected. */
    ChannelFuture acquire(UpstreamHost host, Cluster cluster, int maxHeaderBytes) {
        ArrayDeque<Channel> q = idle.get(host.address());
        Channel ch;
        while (q != null && (ch = q.pollLast()) != null) {
            if (ch.isActive()) {
                return ch.newSucceededFuture();
            }
        }
        cluster.metrics().cxTotal.increment();
        return bootstrap
                .clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        cluster.config().connectTimeout().toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline()
                                // reads only: a pooled connection's last read ends its last response, and
                                // watching writes would cost a promise and a listener per write
                                .addLast(new IdleStateHandler(
                                        cluster.config().idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
                                .addLast(new ResponseScanner(Math.max(maxHeaderBytes, 64 * 1024)))
                                .addLast(new UpstreamHandler(Http1Pool.this, cluster.metrics()));
                    }
                })
                .connect(host.address());
    }

    /** Keeps a connection whose last response ended cleanly, or closes it if the pool is full. */
    void release(Channel ch, int maxIdle) {
        ArrayDeque<Channel> q = idle.computeIfAbsent(ch.remoteAddress(), a -> new ArrayDeque<>());
        if (ch.isActive() && q.size() < maxIdle) {
            q.addLast(ch);
        } else {
            ch.close();
        }
    }

    /** Forgets a connection the upstream closed while idle. */
    void remove(Channel ch) {
        ArrayDeque<Channel> q = idle.get(ch.remoteAddress());
        if (q != null) {
            q.remove(ch);
        }
    }
}
