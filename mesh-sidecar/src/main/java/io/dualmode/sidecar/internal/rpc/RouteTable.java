package io.dualmode.sidecar.internal.rpc;

import io.dualmode.sidecar.protocol.RoutingKey;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Maps the routing key of an RPC request to the name of the registry service, which is also the name of the cluster
 * the registry agent feeds ({@code inbound|<name>} on ingress).
 *
 * <ul>
 *   <li>Dubbo: {@code providers:<interface>:<version>:<group>}. The group is not in the Dubbo header, so the
 *       agent registers every service it sees with {@link #register}; a request for interface and version takes the
 *       registered name (the one with an empty group first), or {@code providers:<interface>:<version>:} when none
 *       is registered.
 *   <li>Bolt (SOFARPC): the {@code service} header {@code <interface>:<version>[:<uniqueId>]} becomes
 *       {@code <interface>[:<uniqueId>]:DEFAULT}.
 *   <li>Any other protocol: the service name itself.
 * </ul>
 *
 * <p>The aliases are an immutable map swapped whole on every change; lookups read one reference.
 */
public final class RouteTable {
    private static final String DUBBO_PREFIX = "providers:";
    private static final String SOFA_SUFFIX = ":DEFAULT";

    private final AtomicReference<Map<String, String>> aliases = new AtomicReference<>(Map.of());

    /** Registers a registry service name so requests that cannot name it fully (Dubbo without group) find it. */
    public void register(String registryService) {
        String alias = dubboAlias(registryService);
        if (alias == null) {
            return;
        }
        aliases.updateAndGet(old -> {
            String current = old.get(alias);
            if (registryService.equals(current) || (current != null && current.endsWith(":"))) {
                return old;
            }
            Map<String, String> next = new HashMap<>(old);
            next.put(alias, registryService);
            return Map.copyOf(next);
        });
    }

    /** Forgets a name given to {@link #register}. */
    public void unregister(String registryService) {
        String alias = dubboAlias(registryService);
        if (alias == null) {
            return;
        }
        aliases.updateAndGet(old -> {
            if (!registryService.equals(old.get(alias))) {
                return old;
            }
            Map<String, String> next = new HashMap<>(old);
            next.remove(alias);
            return Map.copyOf(next);
        });
    }

    /** The registry service name of a request, or {@code null} when the key names no service. */
    public String service(String protocol, RoutingKey key) {
        if (!key.hasService()) {
            return null;
        }
        return switch (protocol) {
            case "dubbo" -> dubbo(key);
            case "bolt" -> sofa(key);
            default -> key.service();
        };
    }

    private String dubbo(RoutingKey key) {
        String alias = key.service() + ':' + key.version();
        if (!key.group().isEmpty()) {
            return DUBBO_PREFIX + alias + ':' + key.group();
        }
        String registered = aliases.get().get(alias);
        return registered != null ? registered : DUBBO_PREFIX + alias + ':';
    }

    private static String sofa(RoutingKey key) {
        return key.group().isEmpty() ? key.service() + SOFA_SUFFIX : key.service() + ':' + key.group() + SOFA_SUFFIX;
    }

    /** {@code <interface>:<version>} of a Dubbo interface-level service name, else {@code null}. */
    private static String dubboAlias(String registryService) {
        if (!registryService.startsWith(DUBBO_PREFIX)) {
            return null;
        }
        String rest = registryService.substring(DUBBO_PREFIX.length());
        int lastColon = rest.lastIndexOf(':');
        return lastColon < 0 ? null : rest.substring(0, lastColon);
    }
}
