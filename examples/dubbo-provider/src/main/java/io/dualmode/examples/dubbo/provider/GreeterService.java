package io.dualmode.examples.dubbo.provider;

import io.dualmode.examples.dubbo.api.Greeter;
import io.dualmode.starter.core.DualmodeProperties;
import org.apache.dubbo.config.annotation.DubboService;
import org.apache.dubbo.rpc.RpcContext;
import org.springframework.beans.factory.annotation.Value;

/** Answers with who answered: application, instance, mode, and the caller address it saw. */
@DubboService(version = Greeter.VERSION, group = "${dualmode.example.group:}")
class GreeterService implements Greeter {

    private final DualmodeProperties dualmode;
    private final String application;
    private final String instance;

    GreeterService(
            DualmodeProperties dualmode,
            @Value("${spring.application.name}") String application,
            @Value("${dubbo.protocol.host:127.0.0.1}:${dubbo.protocol.port}") String instance) {
        this.dualmode = dualmode;
        this.application = application;
        this.instance = instance;
    }

    @Override
    public String greet(String name) {
        String caller = RpcContext.getServiceContext().getRemoteAddressString();
        return "hello " + name + " from " + application + " instance=" + instance + " mode="
                + dualmode.getMode().metadataValue() + " caller=" + caller;
    }
}
