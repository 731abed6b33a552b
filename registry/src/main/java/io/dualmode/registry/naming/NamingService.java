package io.dualmode.registry.naming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.registry.storage.Storage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The naming model with Nacos semantics: services by namespace and group, instances owned by a client connection, by
 * the HTTP API (kept alive by beats) or persistent; queries filtered by cluster, {@code enabled} and health. Persistent
 * instances and service metadata are written to {@link Storage} before a call returns. Thread-safe.
 */
public final class NamingService {

    private static final Logger log = LoggerFactory.getLogger(NamingService.class);
    static final String INSTANCES_MAP = "naming.instances";
    static final String SERVICES_MAP = "naming.services";
    private static final char SEP = '\u0001';

    private final ConcurrentHashMap<ServiceKey, ServiceEntry> services = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<ServiceKey>> servicesByConnection = new ConcurrentHashMap<>();
    private final List<NamingListener> listeners = new CopyOnWriteArrayList<>();
    private final Storage storage;
    private final ObjectMapper json;

    public NamingService(Storage storage, ObjectMapper json) {
        this.storage = storage;
        this.json = json;
        restore();
    }

    /** Registers a listener told after every change of a service's instances. */
    public void addListener(NamingListener listener) {
        listeners.add(listener);
    }

    // ---- instances owned by a client connection (gRPC, ephemeral)

    /** The connection's one instance for {@code key}, replacing any it registered before. */
    public void registerForConnection(String connectionId, ServiceKey key, Instance instance) {
        batchRegisterForConnection(connectionId, key, List.of(instance));
    }

    /** The connection's whole instance set for {@code key}; an empty list removes them all. */
    public void batchRegisterForConnection(String connectionId, ServiceKey key, List<Instance> instances) {
        InstanceValidator.validateKey(key);
        List<Instance> normalised = new ArrayList<>(instances.size());
        for (Instance i : instances) {
            InstanceValidator.validate(i);
            normalised.add(i.withEphemeral(true).normalisedFor(key));
        }
        entry(key).putConnection(connectionId, normalised);
        if (normalised.isEmpty()) {
            forgetOwner(connectionId, key);
        } else {
            servicesByConnection
                    .computeIfAbsent(connectionId, c -> ConcurrentHashMap.newKeySet())
                    .add(key);
        }
        changed(key);
    }

    /** Removes what the connection registered for {@code key}. */
    public void deregisterForConnection(String connectionId, ServiceKey key) {
        InstanceValidator.validateKey(key);
        ServiceEntry entry = services.get(key);
        forgetOwner(connectionId, key);
        if (entry != null && entry.removeConnection(connectionId)) {
            dropIfUnused(key, entry);
            changed(key);
        }
    }

    /** Removes every instance the connection owned. */
    public void connectionClosed(String connectionId) {
        Set<ServiceKey> keys = servicesByConnection.remove(connectionId);
        if (keys == null) {
            return;
        }
        for (ServiceKey key : keys) {
            ServiceEntry entry = services.get(key);
            if (entry != null && entry.removeConnection(connectionId)) {
                dropIfUnused(key, entry);
                changed(key);
            }
        }
    }

    // ---- instances registered through the HTTP API, and persistent instances

    /** Registers an instance not tied to a connection: persistent, or ephemeral and kept alive by beats. */
    public void registerInstance(ServiceKey key, Instance instance) {
        InstanceValidator.validateKey(key);
        InstanceValidator.validate(instance);
        Instance stored = normaliseDefaultCluster(instance).normalisedFor(key);
        if (stored.ephemeral()) {
            entry(key).putHttp(stored, System.currentTimeMillis());
        } else {
            storage.put(INSTANCES_MAP, instanceKey(key, stored.addressKey()), write(stored));
            entry(key).putPersistent(stored);
        }
        changed(key);
    }

    /** Updates the instance at the same address and cluster; 404 when there is none. */
    public void updateInstance(ServiceKey key, Instance instance) {
        InstanceValidator.validateKey(key);
        InstanceValidator.validate(instance);
        Instance stored = normaliseDefaultCluster(instance).normalisedFor(key);
        ServiceEntry entry = services.get(key);
        if (entry == null || !entry.update(stored)) {
            throw new InvalidRequestException(
                    InvalidRequestException.NOT_FOUND,
                    "no instance " + stored.addressKey() + " in service " + key + " to update");
        }
        if (!stored.ephemeral()) {
            storage.put(INSTANCES_MAP, instanceKey(key, stored.addressKey()), write(stored));
        }
        changed(key);
    }

    /** Removes the instance at {@code ip:port} in {@code cluster}; true when one was there. */
    public boolean deregisterInstance(ServiceKey key, String ip, int port, String cluster, boolean ephemeral) {
        InstanceValidator.validateKey(key);
        String addressKey =
                ip + ":" + port + ":" + (cluster == null || cluster.isEmpty() ? Instance.DEFAULT_CLUSTER : cluster);
        ServiceEntry entry = services.get(key);
        if (!ephemeral) {
            storage.remove(INSTANCES_MAP, instanceKey(key, addressKey));
        }
        if (entry == null || !entry.removeByAddress(addressKey, ephemeral)) {
            return false;
        }
        dropIfUnused(key, entry);
        changed(key);
        return true;
    }

    /** Records a client beat for an HTTP-registered instance; false when the registry does not know it. */
    public boolean beat(ServiceKey key, String ip, int port, String cluster) {
        ServiceEntry entry = services.get(key);
        String c = cluster == null || cluster.isEmpty() ? Instance.DEFAULT_CLUSTER : cluster;
        return entry != null && entry.beat(ip + ":" + port + ":" + c, System.currentTimeMillis());
    }

    /** Applies beat timeouts to HTTP-registered ephemeral instances. */
    public void expireBeats(long unhealthyAfterMillis, long deleteAfterMillis) {
        long now = System.currentTimeMillis();
        services.forEach((key, entry) -> {
            if (entry.expireBeats(now, unhealthyAfterMillis, deleteAfterMillis)) {
                dropIfUnused(key, entry);
                changed(key);
            }
        });
    }

    // ---- services

    /** Declares a service with its metadata; 409 when it is declared already. */
    public void createService(ServiceKey key, ServiceMetadata metadata) {
        InstanceValidator.validateKey(key);
        ServiceEntry entry = entry(key);
        synchronized (entry) {
            if (entry.declared()) {
                throw new InvalidRequestException(
                        InvalidRequestException.CONFLICT, "service " + key + " already exists");
            }
            storeService(key, entry, metadata);
        }
    }

    /** Replaces the metadata of a service, declaring it if needed. */
    public void updateService(ServiceKey key, ServiceMetadata metadata) {
        InstanceValidator.validateKey(key);
        ServiceEntry entry = entry(key);
        synchronized (entry) {
            storeService(key, entry, metadata);
        }
        changed(key);
    }

    /** Removes a declared service; refused while it still has instances. */
    public void deleteService(ServiceKey key) {
        ServiceEntry entry = services.get(key);
        if (entry == null) {
            throw new InvalidRequestException(InvalidRequestException.NOT_FOUND, "service " + key + " not found");
        }
        synchronized (entry) {
            if (!entry.isEmpty()) {
                throw InvalidRequestException.invalid(
                        "service " + key + " still has " + entry.size() + " instances; deregister them first");
            }
            storage.remove(SERVICES_MAP, serviceKey(key));
            entry.undeclare();
            services.remove(key, entry);
        }
    }

    /** The stored metadata of a service, or null when the registry does not know it. */
    public ServiceMetadata serviceMetadata(ServiceKey key) {
        ServiceEntry entry = services.get(key);
        return entry == null ? null : entry.metadata();
    }

    // ---- queries

    /**
     * The instance list clients see: {@code enabled=false} left out, only the given comma-separated clusters (all when
     * blank), only healthy ones when asked; the cluster string is echoed back.
     */
    public ServiceInfo query(ServiceKey key, String clusters, boolean healthyOnly) {
        ServiceEntry entry = services.get(key);
        if (entry == null) {
            return ServiceInfo.of(key, clusters, List.of(), false);
        }
        Set<String> wanted = parseClusters(clusters);
        List<Instance> hosts = new ArrayList<>();
        for (Instance i : entry.all()) {
            if (i.enabled() && (wanted.isEmpty() || wanted.contains(i.cluster()))) {
                hosts.add(i);
            }
        }
        return filterHealth(key, clusters, hosts, entry.metadata().protectThreshold(), healthyOnly);
    }

    private static ServiceInfo filterHealth(
            ServiceKey key, String clusters, List<Instance> hosts, float threshold, boolean healthyOnly) {
        long healthy = hosts.stream().filter(Instance::healthy).count();
        if (!hosts.isEmpty() && threshold > 0f && (float) healthy / hosts.size() <= threshold) {
            List<Instance> all = hosts.stream().map(i -> i.withHealthy(true)).toList();
            return ServiceInfo.of(key, clusters, all, true);
        }
        if (healthyOnly) {
            hosts.removeIf(i -> !i.healthy());
        }
        return ServiceInfo.of(key, clusters, hosts, false);
    }

    /** Every instance of a service, unfiltered. */
    public List<Instance> instances(ServiceKey key) {
        ServiceEntry entry = services.get(key);
        return entry == null ? List.of() : entry.all();
    }

    /** One page of the names of services in {@code namespace} and {@code group}, sorted. */
    public ServiceList list(String namespace, String group, long pageNo, long pageSize) {
        String ns = ServiceKey.normaliseNamespace(namespace);
        String g = group == null || group.isBlank() ? ServiceKey.DEFAULT_GROUP : group;
        List<String> names = services.keySet().stream()
                .filter(k -> k.namespace().equals(ns) && k.group().equals(g))
                .map(ServiceKey::name)
                .sorted()
                .toList();
        long size = Math.max(0L, pageSize);
        long start = Math.max(0L, (pageNo - 1L) * size);
        if (start >= names.size()) {
            return new ServiceList(names.size(), List.of());
        }
        long end = Math.min(names.size(), start + size);
        return new ServiceList(names.size(), names.subList((int) start, (int) end));
    }

    /** Every service the registry knows. */
    public Collection<ServiceKey> services() {
        return List.copyOf(services.keySet());
    }

    /** How many services the registry knows. */
    public int serviceCount() {
        return services.size();
    }

    /** How many instances the registry holds. */
    public long instanceCount() {
        long n = 0;
        for (ServiceEntry e : services.values()) {
            n += e.size();
        }
        return n;
    }

    // ---- internals

    private ServiceEntry entry(ServiceKey key) {
        return services.computeIfAbsent(key, k -> new ServiceEntry());
    }

    private void dropIfUnused(ServiceKey key, ServiceEntry entry) {
        synchronized (entry) {
            if (entry.isEmpty() && !entry.declared()) {
                services.remove(key, entry);
            }
        }
    }

    private void forgetOwner(String connectionId, ServiceKey key) {
        Set<ServiceKey> keys = servicesByConnection.get(connectionId);
        if (keys != null) {
            keys.remove(key);
        }
    }

    private void changed(ServiceKey key) {
        for (NamingListener l : listeners) {
            try {
                l.serviceChanged(key);
            } catch (RuntimeException e) {
                log.warn("REGISTRY-0101: naming listener failed for {}", key, e);
            }
        }
    }

    private void storeService(ServiceKey key, ServiceEntry entry, ServiceMetadata metadata) {
        storage.put(SERVICES_MAP, serviceKey(key), write(metadata));
        entry.metadata(metadata);
    }

    private static Instance normaliseDefaultCluster(Instance i) {
        if (i.clusterName() != null && !i.clusterName().isEmpty()) {
            return i;
        }
        return new Instance(
                i.instanceId(),
                i.ip(),
                i.port(),
                i.weight(),
                i.healthy(),
                i.enabled(),
                i.ephemeral(),
                Instance.DEFAULT_CLUSTER,
                i.serviceName(),
                i.metadata());
    }

    static Set<String> parseClusters(String clusters) {
        if (clusters == null || clusters.isBlank()) {
            return Set.of();
        }
        Set<String> set = new HashSet<>();
        for (String c : clusters.split(",")) {
            if (!c.isBlank()) {
                set.add(c.trim());
            }
        }
        return set;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value, e);
        }
    }

    private static String serviceKey(ServiceKey key) {
        return key.namespace() + SEP + key.group() + SEP + key.name();
    }

    private static String instanceKey(ServiceKey key, String addressKey) {
        return serviceKey(key) + SEP + addressKey;
    }

    private void restore() {
        for (Map.Entry<String, String> e : storage.map(SERVICES_MAP).entrySet()) {
            String[] parts = e.getKey().split(String.valueOf(SEP), -1);
            try {
                ServiceKey key = new ServiceKey(parts[0], parts[1], parts[2]);
                entry(key).metadata(json.readValue(e.getValue(), ServiceMetadata.class));
            } catch (Exception ex) {
                log.error("REGISTRY-0003: skipping unreadable stored service {}", e.getKey(), ex);
            }
        }
        for (Map.Entry<String, String> e : storage.map(INSTANCES_MAP).entrySet()) {
            String[] parts = e.getKey().split(String.valueOf(SEP), -1);
            try {
                ServiceKey key = new ServiceKey(parts[0], parts[1], parts[2]);
                entry(key).putPersistent(json.readValue(e.getValue(), Instance.class));
            } catch (Exception ex) {
                log.error("REGISTRY-0003: skipping unreadable stored instance {}", e.getKey(), ex);
            }
        }
    }
}
