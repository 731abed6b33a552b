package io.dualmode.it.dubbo;

import io.dualmode.it.support.ChildChannel;
import io.dualmode.it.support.LocalNetwork;
import java.util.Map;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * A Dubbo provider exporting {@link EchoService} over the dubbo protocol and registering through {@code nacos://}.
 * Arguments: registry address, application name, service group. Replies {@code ready <port>}; on {@code exit} it stops
 * the way Dubbo stops on shutdown (unregistering first).
 */
public final class DubboProviderMain {

    private DubboProviderMain() {}

    public static void main(String[] args) {
        String application = args[1];
        int port = LocalNetwork.freePort();
        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setHost(LocalNetwork.LOOPBACK);

        ServiceConfig<EchoService> service = new ServiceConfig<>();
        service.setInterface(EchoService.class);
        service.setRef(new EchoServiceImpl(application));
        service.setGroup(args[2]);
        service.setVersion(DubboApps.VERSION);

        DubboBootstrap bootstrap = DubboBootstrap.getInstance()
                .application(DubboApps.application(application))
                .registry(DubboApps.registry(args[0]))
                .protocol(protocol)
                .service(service)
                .start();
        ChildChannel.ready(Integer.toString(port));
        ChildChannel.serve(Map.of());
        bootstrap.stop();
        System.exit(0);
    }
}
