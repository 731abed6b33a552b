package io.dualmode.it.sofarpc.app;

import com.alipay.sofa.rpc.context.RpcInternalContext;
import java.net.InetSocketAddress;

/** Replies with the caller address the provider saw, which proves the path the call took. */
final class EchoServiceImpl implements EchoService {

    private final String application;

    EchoServiceImpl(String application) {
        this.application = application;
    }

    @Override
    public String echo(String message) {
        // SOFARPC's server context carries the caller's address (its local address stays unset on Bolt).
        InetSocketAddress remote = RpcInternalContext.getContext().getRemoteAddress();
        return "app=" + application + " caller=" + (remote == null ? "?" : remote.getHostString()) + " message="
                + message;
    }

    @Override
    public String echoAfter(String message, int delayMillis) {
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while holding the call", e);
        }
        return echo(message);
    }
}
