package io.dualmode.it.sofarpc.app;

import com.alipay.sofa.rpc.config.ProviderConfig;
import com.alipay.sofa.rpc.config.ServerConfig;
import com.alipay.sofa.rpc.context.RpcRuntimeContext;
import io.dualmode.it.support.ChildChannel;
import io.dualmode.it.support.LocalNetwork;
import java.util.Map;

/**
 * A SOFARPC provider exporting {@link EchoService} over Bolt on 127.0.0.1 and registering through SOFARPC's Nacos
 * registry, or SOFARPC's mesh registry when the address is {@code http://…}. Arguments: registry address, application
 * name, uniqueId and, optionally, the Bolt port (else a free one). Replies {@code ready <port>}; on {@code exit}
 * it unexports (deregistering) and exits, since the Bolt server thread would otherwise keep the JVM alive.
 */
public final class SofaProviderMain {

    private SofaProviderMain() {}

    public static void main(String[] args) {
        String application = args[1];
        int port = args.length > 3 ? Integer.parseInt(args[3]) : LocalNetwork.freePort();
        ServerConfig server = new ServerConfig()
                .setProtocol("bolt")
                .setHost(LocalNetwork.LOOPBACK)
                .setBoundHost(LocalNetwork.LOOPBACK)
                // SOFARPC registers the machine's address in place of a loopback host; the virtual host is its
                // documented way to say which address to register.
                .setVirtualHost(LocalNetwork.LOOPBACK)
                .setPort(port);
        ProviderConfig<EchoService> provider = new ProviderConfig<EchoService>()
                .setApplication(SofaApps.application(application))
                .setInterfaceId(EchoService.class.getName())
                .setUniqueId(args[2])
                .setRef(new EchoServiceImpl(application))
                .setServer(server)
                .setRegistry(SofaApps.registry(args[0]));
        try {
            provider.export();
            ChildChannel.ready(Integer.toString(port));
            ChildChannel.serve(Map.of());
            provider.unExport();
        } finally {
            RpcRuntimeContext.destroy();
            System.exit(0);
        }
    }
}
