package io.dualmode.it.dubbo;

import io.dualmode.it.support.ChildChannel;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.registry.client.migration.MigrationInvoker;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.cluster.ClusterInvoker;
import org.apache.dubbo.rpc.cluster.Directory;

/**
 * A Dubbo consumer of {@link EchoService} discovering through {@code nacos://}. Arguments: registry address,
 * application name, service group; the discovery model comes from the JVM property
 * {@code dubbo.application.service-discovery.migration}. Commands:
 *
 * <ul>
 *   <li>{@code providers}: {@code service-discovery=<bool> <address,...>}, the addresses the registry gave the
 *       consumer (the directory's every invoker, connected or not);
 *   <li>{@code call <message>}: the provider's reply.
 * </ul>
 */
public final class DubboConsumerMain {

    private DubboConsumerMain() {}

    public static void main(String[] args) {
        ReferenceConfig<EchoService> reference = new ReferenceConfig<>();
        reference.setInterface(EchoService.class);
        reference.setGroup(args[2]);
        reference.setVersion(DubboApps.VERSION);
        reference.setCheck(false);
        reference.setTimeout(5000);
        reference.setRetries(0);

        DubboBootstrap bootstrap = DubboBootstrap.getInstance()
                .application(DubboApps.application(args[1]))
                .registry(DubboApps.registry(args[0]))
                .reference(reference)
                .start();
        EchoService echo = reference.get();
        ChildChannel.ready("");
        ChildChannel.serve(Map.of("providers", ignored -> providers(reference.getInvoker()), "call", echo::echo));
        bootstrap.stop();
        System.exit(0);
    }

    private static String providers(Invoker<?> invoker) {
        if (invoker instanceof MigrationInvoker<?> migration && migration.getCurrentAvailableInvoker() == null) {
            return "no-directory";
        }
        if (!(invoker instanceof ClusterInvoker<?> cluster)) {
            return "unexpected invoker " + invoker;
        }
        Directory<?> directory = cluster.getDirectory();
        if (directory == null) {
            return "no-directory";
        }
        return "service-discovery=" + directory.isServiceDiscovery() + " "
                + directory.getAllInvokers().stream()
                        .map(i -> i.getUrl().getAddress())
                        .sorted()
                        .collect(Collectors.joining(","));
    }
}
