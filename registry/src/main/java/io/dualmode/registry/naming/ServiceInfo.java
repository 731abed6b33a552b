package io.dualmode.registry.naming;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The list of instances of one service as sent to clients in query replies and pushes. {@code clusters} echoes the
 * subscriber's own cluster string: clients key their cache by it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceInfo(
        String name,
        String groupName,
        String clusters,
        long cacheMillis,
        List<Instance> hosts,
        long lastRefTime,
        String checksum,
        boolean allIPs,
        boolean reachProtectionThreshold,
        boolean valid) {

    /** How long clients may cache a list, as Nacos tells them. */
    public static final long CACHE_MILLIS = 10_000L;

    /** A service-info reply for {@code key}. */
    public static ServiceInfo of(ServiceKey key, String clusters, List<Instance> hosts, boolean protectionReached) {
        return new ServiceInfo(
                key.name(),
                key.group(),
                clusters == null ? "" : clusters,
                CACHE_MILLIS,
                List.copyOf(hosts),
                System.currentTimeMillis(),
                "",
                false,
                protectionReached,
                true);
    }

    /** The same list with the grouped service name as {@code name}, the shape of the HTTP open API. */
    public ServiceInfo withGroupedName() {
        return new ServiceInfo(
                groupName + ServiceKey.GROUP_SEPARATOR + name,
                groupName,
                clusters,
                cacheMillis,
                hosts,
                lastRefTime,
                checksum,
                allIPs,
                reachProtectionThreshold,
                valid);
    }
}
