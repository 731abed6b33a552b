package io.dualmode.examples.sofa.provider;

import com.alipay.sofa.rpc.config.ApplicationConfig;
import com.alipay.sofa.rpc.config.ServerConfig;
import com.alipay.sofa.rpc.context.RpcInternalContext;
import io.dualmode.examples.sofa.api.Greeter;
import io.dualmode.starter.core.DualmodeProperties;
import io.dualmode.starter.sofa.DualmodeSofaService;
import java.net.InetSocketAddress;
import org.springframework.stereotype.Service;

/** The provider: names itself, its instance, its mode and the caller address it saw. */
@Service
@DualmodeSofaService(uniqueId = "${dualmode.example.unique-id:}")
class GreeterService implements Greeter {

    private final String application;
    private final String instance;
    private final DualmodeProperties dualmode;

    GreeterService(ApplicationConfig application, ServerConfig server, DualmodeProperties dualmode) {
        this.application = application.getAppName();
        String host = server.getVirtualHost() != null ? server.getVirtualHost() : server.getHost();
        this.instance = host + ":" + server.getPort();
        this.dualmode = dualmode;
    }

    @Override
    public String greet(String name) {
        InetSocketAddress caller = RpcInternalContext.getContext().getRemoteAddress();
        return "Hello " + name + "! provider=" + application + " instance=" + instance + " mode="
                + dualmode.getMode().metadataValue() + " caller=" + (caller == null ? "?" : caller.getHostString());
    }
}
