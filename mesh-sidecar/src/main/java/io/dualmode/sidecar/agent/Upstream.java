package io.dualmode.sidecar.agent;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingService;
import io.dualmode.registry.naming.Instance;
import io.dualmode.registry.naming.ServiceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's own clients of the real registry: one nacos-client naming and config service per namespace, created on
 * first use. Only nacos-client is used, so the registry may be ours or a Nacos cluster.
 */
final class Upstream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Upstream.class);

    private final Properties base;
    private final Map<String, NamingService> naming = new ConcurrentHashMap<>();
    private final Map<String, ConfigService> config = new ConcurrentHashMap<>();
    /**
     * Clients are created one at a time: nacos-client fills static caches (its service loader's) on first use without
     * locking, so a naming and a config client created at once on two threads can find a half-filled cache and fail
     * ("No server list provider found").
     */
    private final Object creating = new Object();

    Upstream(String serverAddr, Properties extra) {
        base = new Properties();
        base.setProperty(PropertyKeyConst.SERVER_ADDR, serverAddr);
        base.setProperty("namingLoadCacheAtStart", "false");
        base.putAll(extra);
    }

    NamingService naming(String namespace) {
        return client(naming, ServiceKey.normaliseNamespace(namespace), "registry", NacosFactory::createNamingService);
    }

    ConfigService config(String tenant) {
        return client(config, tenant == null ? "" : tenant, "config", NacosFactory::createConfigService);
    }

    private interface Factory<T> {
        T create(Properties properties) throws NacosException;
    }

    /** The client of {@code namespace} in {@code clients}, created under {@link #creating} when it is the first. */
    private <T> T client(Map<String, T> clients, String namespace, String kind, Factory<T> factory) {
        T existing = clients.get(namespace);
        if (existing != null) {
            return existing;
        }
        synchronized (creating) {
            return clients.computeIfAbsent(namespace, n -> {
                try {
                    return factory.create(properties(n));
                } catch (NacosException e) {
                    throw new IllegalStateException(
                            "SIDECAR-0201: cannot create a " + kind + " client for namespace " + n, e);
                }
            });
        }
    }

    /**
     * Creates the naming client of {@code namespace} if needed and waits, at most {@code limit}, until it is connected;
     * whether it is. For callers that get one try (SOFARPC's mesh registry never retries a publish).
     */
    boolean awaitConnected(String namespace, java.time.Duration limit) {
        NamingService n = naming(namespace);
        long deadline = System.nanoTime() + limit.toNanos();
        while (!"UP".equals(n.getServerStatus())) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        return true;
    }

    /** Whether every naming client created so far is connected. */
    boolean healthy() {
        return naming.values().stream().allMatch(n -> "UP".equals(n.getServerStatus()));
    }

    private Properties properties(String namespace) {
        Properties p = new Properties();
        p.putAll(base);
        if (!namespace.isEmpty() && !namespace.equals(ServiceKey.DEFAULT_NAMESPACE)) {
            p.setProperty(PropertyKeyConst.NAMESPACE, namespace);
        }
        return p;
    }

    static com.alibaba.nacos.api.naming.pojo.Instance toNacos(Instance i) {
        var n = new com.alibaba.nacos.api.naming.pojo.Instance();
        n.setIp(i.ip());
        n.setPort(i.port());
        n.setWeight(i.weight());
        n.setHealthy(i.healthy());
        n.setEnabled(i.enabled());
        n.setEphemeral(true);
        n.setClusterName(i.cluster());
        n.setMetadata(new HashMap<>(i.metadata()));
        return n;
    }

    static Instance fromNacos(com.alibaba.nacos.api.naming.pojo.Instance n) {
        return new Instance(
                n.getInstanceId(),
                n.getIp(),
                n.getPort(),
                n.getWeight(),
                n.isHealthy(),
                n.isEnabled(),
                n.isEphemeral(),
                n.getClusterName(),
                n.getServiceName(),
                n.getMetadata());
    }

    static List<Instance> fromNacos(List<com.alibaba.nacos.api.naming.pojo.Instance> list) {
        List<Instance> out = new ArrayList<>(list.size());
        list.forEach(n -> out.add(fromNacos(n)));
        return out;
    }

    @Override
    public void close() {
        naming.values().forEach(n -> {
            try {
                n.shutDown();
            } catch (NacosException e) {
                log.debug("closing a registry client failed", e);
            }
        });
        config.values().forEach(c -> {
            try {
                c.shutDown();
            } catch (NacosException e) {
                log.debug("closing a config client failed", e);
            }
        });
    }
}
