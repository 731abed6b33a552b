package io.dualmode.it.nacos;

import com.alibaba.nacos.api.naming.NamingService;
import io.dualmode.it.support.ChildChannel;
import java.util.Map;

/**
 * A client in a JVM of its own that registers one ephemeral instance and then just lives, so a test can kill it and
 * watch the registry notice the lost connection. Arguments: server address, service name, port.
 */
public final class LegacyClientMain {

    private LegacyClientMain() {}

    public static void main(String[] args) throws Exception {
        NamingService naming = LegacyClients.naming(args[0]);
        naming.registerInstance(
                args[1], LegacyClients.instance("127.0.0.1", Integer.parseInt(args[2]), Map.of("owner", "child")));
        ChildChannel.ready(naming.getServerStatus());
        ChildChannel.serve(Map.of("status", ignored -> naming.getServerStatus()));
        naming.shutDown();
        System.exit(0);
    }
}
