package io.dualmode.starter.sofa;

import com.alipay.sofa.rpc.config.ApplicationConfig;
import com.alipay.sofa.rpc.config.ConsumerConfig;
import com.alipay.sofa.rpc.config.ProviderConfig;
import com.alipay.sofa.rpc.config.RegistryConfig;
import com.alipay.sofa.rpc.config.ServerConfig;
import io.dualmode.starter.core.DualmodeProperties;
import io.dualmode.starter.core.InstanceMetadata;
import io.dualmode.starter.core.RegistrationContributor.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.PropertyResolver;

/**
 * Exports and refers SOFARPC services with sofa-rpc-all's own API ({@link ProviderConfig}, {@link ConsumerConfig}),
 * all through one {@link RegistryConfig} and one Bolt {@link ServerConfig}. In mesh mode the auto-configuration creates
 * it only once the local sidecar is ready, so nothing registers or subscribes before.
 */
public class SofaRpcRuntime implements DisposableBean {

    /** The protocol every service is served and called with. */
    public static final String PROTOCOL = "bolt";

    private static final Log log = LogFactory.getLog(SofaRpcRuntime.class);

    private final DualmodeProperties dualmode;
    private final DualmodeSofaProperties sofa;
    private final ApplicationConfig application;
    private final RegistryConfig registry;
    private final ServerConfig server;
    private final PropertyResolver placeholders;
    private final List<ProviderConfig<?>> exported = new CopyOnWriteArrayList<>();
    private final Map<String, Referred> referred = new ConcurrentHashMap<>();

    private record Referred(ConsumerConfig<?> config, Object proxy) {}

    public SofaRpcRuntime(
            DualmodeProperties dualmode,
            DualmodeSofaProperties sofa,
            ApplicationConfig application,
            RegistryConfig registry,
            ServerConfig server,
            PropertyResolver placeholders) {
        this.dualmode = dualmode;
        this.sofa = sofa;
        this.application = application;
        this.registry = registry;
        this.server = server;
        this.placeholders = placeholders;
    }

    /** Exports {@code implementation} as {@code service} and registers it, with the dual-mode metadata. */
    public synchronized <T> ProviderConfig<T> export(
            Class<T> service, Object implementation, DualmodeSofaService spec) {
        ProviderConfig<T> provider = new ProviderConfig<T>()
                .setApplication(application)
                .setInterfaceId(service.getName())
                .setRef(service.cast(implementation))
                .setServer(server)
                .setRegistry(registry)
                .setParameters(InstanceMetadata.of(dualmode, application.getAppName(), PROTOCOL));
        String uniqueId = placeholders.resolveRequiredPlaceholders(spec.uniqueId());
        if (!uniqueId.isEmpty()) { // SOFARPC refuses an empty uniqueId; leaving it unset means none
            provider.setUniqueId(uniqueId);
        }
        if (spec.timeout() >= 0) {
            provider.setTimeout(spec.timeout());
        }
        provider.export();
        exported.add(provider);
        log.info("Exported " + serviceName(provider) + " over Bolt on " + address() + " ("
                + dualmode.getMode().metadataValue() + " mode, registry " + registry.getAddress() + ")");
        return provider;
    }

    /** A proxy for {@code service}; one per interface, uniqueId and timeout. */
    public synchronized Object refer(Class<?> service, DualmodeSofaReference spec) {
        int timeout = spec.timeout() >= 0
                ? spec.timeout()
                : (int) sofa.getDefaultTimeout().toMillis();
        String uniqueId = placeholders.resolveRequiredPlaceholders(spec.uniqueId());
        String key = service.getName() + ":" + uniqueId + ":" + timeout;
        Referred r = referred.get(key);
        if (r == null) {
            ConsumerConfig<?> consumer = new ConsumerConfig<>()
                    .setApplication(application)
                    .setInterfaceId(service.getName())
                    .setProtocol(PROTOCOL)
                    .setTimeout(timeout)
                    .setRetries(sofa.getRetries())
                    .setRegistry(registry);
            if (!uniqueId.isEmpty()) {
                consumer.setUniqueId(uniqueId);
            }
            r = new Referred(consumer, consumer.refer());
            referred.put(key, r);
            log.info("Referred " + service.getName() + (uniqueId.isEmpty() ? "" : ":" + uniqueId)
                    + " through " + registry.getAddress() + " ("
                    + dualmode.getMode().metadataValue() + " mode)");
        }
        return r.proxy();
    }

    /** Unexports (deregisters) every service; the Bolt server stops with the last one. */
    public synchronized void unexportAll() {
        for (ProviderConfig<?> provider : exported) {
            try {
                provider.unExport();
            } catch (RuntimeException e) {
                log.warn("Unexporting " + serviceName(provider) + " failed", e);
            }
        }
        exported.clear();
    }

    /** What this instance has registered. */
    public List<Registration> registrations() {
        List<Registration> out = new ArrayList<>();
        for (ProviderConfig<?> p : exported) {
            out.add(new Registration(serviceName(p), PROTOCOL, address(), Map.copyOf(p.getParameters())));
        }
        return out;
    }

    /** The registry SOFARPC uses: the registry in SDK mode, the sidecar's local endpoint in mesh mode. */
    public RegistryConfig registry() {
        return registry;
    }

    /** The Bolt server exported services share. */
    public ServerConfig server() {
        return server;
    }

    @Override
    public synchronized void destroy() {
        unexportAll();
        for (Referred r : referred.values()) {
            try {
                r.config().unRefer();
            } catch (RuntimeException e) {
                log.warn("Unreferring " + r.config().getInterfaceId() + " failed", e);
            }
        }
        referred.clear();
        server.destroy();
    }

    /** SOFARPC's Nacos service name: {@code <interface>[:<uniqueId>]:DEFAULT}. */
    static String serviceName(ProviderConfig<?> provider) {
        String uniqueId = provider.getUniqueId();
        return provider.getInterfaceId() + (uniqueId == null || uniqueId.isEmpty() ? "" : ":" + uniqueId) + ":DEFAULT";
    }

    private String address() {
        String host = server.getVirtualHost() != null ? server.getVirtualHost() : server.getHost();
        return host + ":" + server.getPort();
    }
}
