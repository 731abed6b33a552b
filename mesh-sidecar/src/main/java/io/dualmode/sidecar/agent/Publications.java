package io.dualmode.sidecar.agent;

import com.alibaba.nacos.api.exception.NacosException;
import io.dualmode.registry.naming.Instance;
import io.dualmode.registry.naming.InvalidRequestException;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.sidecar.Mode;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the application registered through the sidecar, and what is published for it upstream: its real address in SDK
 * mode, the sidecar's ingress in mesh mode (with ingress routed to the application).
 *
 * <p>During a mode switch's overlap both are published (the new mode's first), so consumers connect to the new
 * address before the old one leaves their lists; once the overlap is over, the new one alone.
 */
final class Publications {

    private final Map<ServiceKey, Map<String, List<Instance>>> byService = new ConcurrentHashMap<>();
    private final Upstream upstream;
    private final DataPlane dataPlane;
    private final Supplier<Mode> mode;
    private final BooleanSupplier overlapping;

    Publications(Upstream upstream, DataPlane dataPlane, Supplier<Mode> mode, BooleanSupplier overlapping) {
        this.upstream = upstream;
        this.dataPlane = dataPlane;
        this.mode = mode;
        this.overlapping = overlapping;
    }

    /** The connection's instance set for {@code key} (empty removes it), then republishes the service. */
    void put(String connectionId, ServiceKey key, List<Instance> instances) {
        for (Instance i : instances) {
            if (i.ip() == null || i.ip().isBlank() || i.port() <= 0 || i.port() > 65_535) {
                throw InvalidRequestException.invalid("instance " + i.ip() + ":" + i.port()
                        + " needs an ip and a port in 1..65535 to be published through the sidecar");
            }
        }
        Map<String, List<Instance>> owners = byService.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
        if (instances.isEmpty()) {
            owners.remove(connectionId);
        } else {
            owners.put(connectionId, List.copyOf(instances));
        }
        publish(key);
    }

    /** Removes everything the connection registered. */
    void connectionClosed(String connectionId) {
        for (Map.Entry<ServiceKey, Map<String, List<Instance>>> e : byService.entrySet()) {
            if (e.getValue().remove(connectionId) != null) {
                publish(e.getKey());
            }
        }
    }

    /** Publishes every service again, for the current mode. */
    void republishAll() {
        byService.keySet().forEach(this::publish);
    }

    /** Whether anything is registered for {@code key}. */
    boolean has(ServiceKey key) {
        return byService.containsKey(key);
    }

    /** The instances published upstream now, by service. */
    Map<ServiceKey, List<Instance>> published() {
        Map<ServiceKey, List<Instance>> out = new HashMap<>();
        Mode m = mode.get();
        byService.forEach((k, v) -> out.put(k, view(k, all(v), m)));
        return out;
    }

    private synchronized void publish(ServiceKey key) {
        List<Instance> local = all(byService.getOrDefault(key, Map.of()));
        var naming = upstream.naming(key.namespace());
        try {
            if (local.isEmpty()) {
                naming.deregisterInstance(key.name(), key.group(), "0.0.0.0", 0);
                byService.remove(key);
                return;
            }
            Mode m = mode.get();
            List<Instance> view = view(key, local, m);
            if (overlapping.getAsBoolean()) {
                Set<String> seen = new HashSet<>();
                view.forEach(i -> seen.add(i.ip() + ":" + i.port()));
                for (Instance i : view(key, local, m == Mode.SDK ? Mode.MESH : Mode.SDK)) {
                    if (seen.add(i.ip() + ":" + i.port())) {
                        view.add(i);
                    }
                }
            }
            if (view.size() == 1) {
                naming.registerInstance(key.name(), key.group(), Upstream.toNacos(view.get(0)));
            } else {
                naming.batchRegisterInstance(
                        key.name(),
                        key.group(),
                        view.stream().map(Upstream::toNacos).toList());
            }
        } catch (NacosException e) {
            throw new InvalidRequestException(e.getErrCode(), "the registry refused " + key + ": " + e.getErrMsg());
        }
    }

    private List<Instance> view(ServiceKey key, List<Instance> local, Mode m) {
        List<Instance> out = new ArrayList<>(local.size());
        for (Instance i : local) {
            String protocol = Protocols.of(i.metadata());
            boolean dubboApplication = protocol.equals(DubboApplications.PROTOCOL);
            Map<String, String> meta = new HashMap<>(i.metadata());
            meta.put(Protocols.MODE_KEY, m.wireName());
            meta.putIfAbsent(Protocols.PROTOCOL_KEY, dubboApplication ? "dubbo" : protocol);
            int localPort = dubboApplication ? DubboApplications.dubboPort(i) : i.port();
            dataPlane.exposeLocal(key.name(), protocol, new InetSocketAddress(i.ip(), localPort));
            String ip = i.ip();
            int port = i.port();
            if (m == Mode.MESH) {
                InetSocketAddress ingress = dataPlane.ingress(protocol, key.name());
                ip = ingress.getHostString();
                port = ingress.getPort();
                if (dubboApplication) {
                    meta = DubboApplications.pointedAt(meta, port);
                }
                meta.put(Protocols.SIDECAR_KEY, ip + ":" + port);
            } else {
                meta.remove(Protocols.SIDECAR_KEY);
            }
            out.add(new Instance(
                    null, ip, port, i.weight(), i.healthy(), i.enabled(), true, i.clusterName(), null, meta));
        }
        return out;
    }

    private static List<Instance> all(Map<String, List<Instance>> owners) {
        List<Instance> all = new ArrayList<>();
        owners.values().forEach(all::addAll);
        return all;
    }
}
