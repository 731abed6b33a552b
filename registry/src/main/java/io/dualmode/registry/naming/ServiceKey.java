package io.dualmode.registry.naming;

import java.util.Objects;

/**
 * Identifies a service: namespace, group and plain name. The namespaces {@code ""}, {@code null} and {@code public}
 * are one namespace, as in Nacos, and are normalised to {@code public}.
 */
public record ServiceKey(String namespace, String group, String name) {

    /** The namespace every client means when it sends none. */
    public static final String DEFAULT_NAMESPACE = "public";
    /** The group every client means when it sends none. */
    public static final String DEFAULT_GROUP = "DEFAULT_GROUP";
    /** Separator between group and name in a grouped service name. */
    public static final String GROUP_SEPARATOR = "@@";

    public ServiceKey {
        namespace = normaliseNamespace(namespace);
        group = group == null || group.isBlank() ? DEFAULT_GROUP : group;
        Objects.requireNonNull(name, "name");
    }

    /** Builds a key from a service name that may carry its group as {@code group@@name}. */
    public static ServiceKey parse(String namespace, String group, String serviceName) {
        int at = serviceName.indexOf(GROUP_SEPARATOR);
        if (at >= 0) {
            return new ServiceKey(namespace, serviceName.substring(0, at), serviceName.substring(at + 2));
        }
        return new ServiceKey(namespace, group, serviceName);
    }

    /** {@code ""}, {@code null} and {@code public} are one namespace. */
    public static String normaliseNamespace(String namespace) {
        return namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
    }

    /** The grouped name clients expect in instance and service-info payloads: {@code group@@name}. */
    public String groupedName() {
        return group + GROUP_SEPARATOR + name;
    }

    @Override
    public String toString() {
        return namespace + "/" + groupedName();
    }
}
