package io.dualmode.sidecar.protocol;

import java.util.Objects;

/**
 * What a request is routed on. Absent parts are empty strings, never {@code null}.
 *
 * @param service the service (interface) name
 * @param version the service version
 * @param group the service group (Dubbo group, SOFA unique id)
 * @param method the method name
 */
public record RoutingKey(String service, String version, String group, String method) {

    /** The key of frames that carry none: responses, heartbeats, undecodable requests. */
    public static final RoutingKey NONE = new RoutingKey("", "", "", "");

    /** Replaces {@code null} parts with empty strings. */
    public RoutingKey {
        service = Objects.requireNonNullElse(service, "");
        version = Objects.requireNonNullElse(version, "");
        group = Objects.requireNonNullElse(group, "");
        method = Objects.requireNonNullElse(method, "");
    }

    /** Whether a service name is known. */
    public boolean hasService() {
        return !service.isEmpty();
    }
}
