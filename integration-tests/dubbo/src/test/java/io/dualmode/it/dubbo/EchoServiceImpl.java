package io.dualmode.it.dubbo;

import org.apache.dubbo.rpc.RpcContext;
import org.apache.dubbo.rpc.RpcServiceContext;

/** Replies with the caller address the provider saw, which proves the path the call took. */
final class EchoServiceImpl implements EchoService {

    private final String application;

    EchoServiceImpl(String application) {
        this.application = application;
    }

    @Override
    public String echo(String message) {
        RpcServiceContext context = RpcContext.getServiceContext();
        return "app=" + application + " caller=" + context.getRemoteHost() + " local=" + context.getLocalAddressString()
                + " message=" + message;
    }
}
