package io.dualmode.registry.naming;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instances of one service, by who owns them: a client connection (ephemeral, gone with the connection), the HTTP
 * API (ephemeral, kept alive by beats) or nobody (persistent). Guarded by its own monitor.
 */
final class ServiceEntry {

    private final Map<String, List<Instance>> byConnection = new LinkedHashMap<>();
    private final Map<String, Instance> httpEphemeral = new LinkedHashMap<>();
    private final Map<String, Long> lastBeat = new HashMap<>();
    private final Map<String, Instance> persistent = new LinkedHashMap<>();
    private ServiceMetadata metadata = ServiceMetadata.EMPTY;
    private boolean declared;

    synchronized void putConnection(String connectionId, List<Instance> instances) {
        if (instances.isEmpty()) {
            byConnection.remove(connectionId);
        } else {
            byConnection.put(connectionId, List.copyOf(instances));
        }
    }

    synchronized boolean removeConnection(String connectionId) {
        return byConnection.remove(connectionId) != null;
    }

    synchronized void putHttp(Instance instance, long now) {
        httpEphemeral.put(instance.addressKey(), instance);
        lastBeat.put(instance.addressKey(), now);
    }

    /** Records a beat; false when no such HTTP instance exists. */
    synchronized boolean beat(String addressKey, long now) {
        Instance instance = httpEphemeral.get(addressKey);
        if (instance == null) {
            return false;
        }
        lastBeat.put(addressKey, now);
        if (!instance.healthy()) {
            httpEphemeral.put(addressKey, instance.withHealthy(true));
        }
        return true;
    }

    /** Marks HTTP instances without a beat for {@code unhealthyAfter} unhealthy, drops those past {@code deleteAfter}. */
    synchronized boolean expireBeats(long now, long unhealthyAfter, long deleteAfter) {
        boolean changed = false;
        for (var it = httpEphemeral.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            long idle = now - lastBeat.getOrDefault(e.getKey(), now);
            if (idle >= deleteAfter) {
                it.remove();
                lastBeat.remove(e.getKey());
                changed = true;
            } else if (idle >= unhealthyAfter && e.getValue().healthy()) {
                e.setValue(e.getValue().withHealthy(false));
                changed = true;
            }
        }
        return changed;
    }

    synchronized boolean removeByAddress(String addressKey, boolean ephemeral) {
        if (ephemeral) {
            lastBeat.remove(addressKey);
            boolean removed = httpEphemeral.remove(addressKey) != null;
            for (var it = byConnection.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                List<Instance> kept = new ArrayList<>(e.getValue());
                if (kept.removeIf(i -> i.addressKey().equals(addressKey))) {
                    removed = true;
                    if (kept.isEmpty()) {
                        it.remove();
                    } else {
                        e.setValue(List.copyOf(kept));
                    }
                }
            }
            return removed;
        }
        return persistent.remove(addressKey) != null;
    }

    synchronized void putPersistent(Instance instance) {
        persistent.put(instance.addressKey(), instance);
    }

    /** Replaces the first instance at the same address, wherever it is owned; false when there is none. */
    synchronized boolean update(Instance instance) {
        String key = instance.addressKey();
        if (persistent.containsKey(key) && !instance.ephemeral()) {
            persistent.put(key, instance);
            return true;
        }
        if (httpEphemeral.containsKey(key)) {
            httpEphemeral.put(key, instance);
            return true;
        }
        for (var e : byConnection.entrySet()) {
            List<Instance> list = new ArrayList<>(e.getValue());
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).addressKey().equals(key)) {
                    list.set(i, instance);
                    e.setValue(List.copyOf(list));
                    return true;
                }
            }
        }
        return false;
    }

    synchronized List<Instance> all() {
        List<Instance> all = new ArrayList<>(persistent.values());
        byConnection.values().forEach(all::addAll);
        all.addAll(httpEphemeral.values());
        return all;
    }

    synchronized ServiceMetadata metadata() {
        return metadata;
    }

    synchronized void metadata(ServiceMetadata newMetadata) {
        this.metadata = newMetadata;
        this.declared = true;
    }

    synchronized void undeclare() {
        this.declared = false;
        this.metadata = ServiceMetadata.EMPTY;
    }

    synchronized boolean declared() {
        return declared;
    }

    synchronized boolean isEmpty() {
        return byConnection.isEmpty() && httpEphemeral.isEmpty() && persistent.isEmpty();
    }

    synchronized int size() {
        int n = persistent.size() + httpEphemeral.size();
        for (List<Instance> l : byConnection.values()) {
            n += l.size();
        }
        return n;
    }
}
