package io.dualmode.it.sofarpc.app;

import com.alipay.sofa.rpc.client.ProviderGroup;
import com.alipay.sofa.rpc.client.ProviderInfo;
import com.alipay.sofa.rpc.config.ConsumerConfig;
import com.alipay.sofa.rpc.context.RpcRuntimeContext;
import io.dualmode.it.support.ChildChannel;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A SOFARPC consumer of {@link EchoService} over Bolt, discovering through SOFARPC's Nacos registry, or its mesh
 * registry when the address is {@code http://…} (then every call goes to the sidecar's Bolt egress). Arguments:
 * registry address, application name, uniqueId. Commands: {@code providers} (the addresses the registry gave it,
 * sorted, comma-separated) and {@code call <message>} (the provider's reply).
 */
public final class SofaConsumerMain {

    private SofaConsumerMain() {}

    public static void main(String[] args) {
        ConsumerConfig<EchoService> consumer = new ConsumerConfig<EchoService>()
                .setApplication(SofaApps.application(args[1]))
                .setInterfaceId(EchoService.class.getName())
                .setUniqueId(args[2])
                .setProtocol("bolt")
                .setTimeout(5000)
                .setRetries(0)
                .setRegistry(SofaApps.registry(args[0]));
        try {
            EchoService echo = consumer.refer();
            ChildChannel.ready("");
            ChildChannel.serve(Map.of("providers", ignored -> providers(consumer), "call", echo::echo));
            consumer.unRefer();
        } finally {
            RpcRuntimeContext.destroy();
            System.exit(0);
        }
    }

    private static String providers(ConsumerConfig<EchoService> consumer) {
        return consumer.getConsumerBootstrap().getCluster().getAddressHolder().getProviderGroups().stream()
                .map(ProviderGroup::getProviderInfos)
                .flatMap(list -> list.stream())
                .map(SofaConsumerMain::address)
                .sorted()
                .collect(Collectors.joining(","));
    }

    private static String address(ProviderInfo provider) {
        return provider.getHost() + ":" + provider.getPort();
    }
}
