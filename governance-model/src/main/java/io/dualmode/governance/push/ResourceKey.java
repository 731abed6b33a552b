package io.dualmode.governance.push;

import io.dualmode.governance.rule.RuleKind;
import java.util.Objects;

/**
 * Names one pushed resource: the rule of one kind for one service. On the wire: {@code {"kind": "routing", "service":
 * "orders"}}; as a string ({@link #name()}): {@code routing/orders}.
 *
 * @param kind the rule kind
 * @param service the service the rule applies to; sidecars subscribe by service
 */
public record ResourceKey(RuleKind kind, String service) implements Comparable<ResourceKey> {

    public ResourceKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(service, "service");
    }

    /** The string form, {@code kind/service}. */
    public String name() {
        return kind.id() + "/" + service;
    }

    /** Reads the string form {@code kind/service}; the service may itself contain {@code /}. */
    public static ResourceKey parse(String name) {
        int slash = name.indexOf('/');
        RuleKind kind =
                slash < 0 ? null : RuleKind.fromId(name.substring(0, slash)).orElse(null);
        if (kind == null || slash == name.length() - 1) {
            throw new IllegalArgumentException("not a resource name (kind/service): " + name);
        }
        return new ResourceKey(kind, name.substring(slash + 1));
    }

    @Override
    public int compareTo(ResourceKey other) {
        return name().compareTo(other.name());
    }
}
