package io.dualmode.it.sofarpc.app;

import com.alipay.sofa.rpc.client.ProviderGroup;
import com.alipay.sofa.rpc.client.ProviderInfo;
import com.alipay.sofa.rpc.config.ConsumerConfig;
import com.alipay.sofa.rpc.context.RpcInvokeContext;
import com.alipay.sofa.rpc.context.RpcRuntimeContext;
import io.dualmode.it.support.ChildChannel;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A SOFARPC consumer of {@link EchoService} over Bolt, discovering through SOFARPC's Nacos registry, or its mesh
 * registry when the address is {@code http://…} (then every call goes to the sidecar's Bolt egress). Arguments:
 * registry address, application name, uniqueId. Commands: {@code providers} (the addresses the registry gave it,
 * sorted, comma-separated), {@code call <message>} (the provider's reply) and {@code slow <timeoutMillis>
 * <delayMillis> <message>} (the reply of a provider that takes {@code delayMillis}, asked with this call's own
 * timeout, SOFARPC's {@code RpcInvokeContext}; 0 keeps the consumer's 5 s).
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
            ChildChannel.serve(Map.of(
                    "providers", ignored -> providers(consumer), "call", echo::echo, "slow", line -> slow(echo, line)));
            consumer.unRefer();
        } finally {
            RpcRuntimeContext.destroy();
            System.exit(0);
        }
    }

    private static String slow(EchoService echo, String line) {
        String[] words = line.split(" ", 3);
        int timeout = Integer.parseInt(words[0]);
        if (timeout > 0) {
            RpcInvokeContext.getContext().setTimeout(timeout);
        }
        try {
            return echo.echoAfter(words[2], Integer.parseInt(words[1]));
        } finally {
            RpcInvokeContext.removeContext();
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
