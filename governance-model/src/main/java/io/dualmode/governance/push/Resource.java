package io.dualmode.governance.push;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One versioned resource as pushed: a rule document for one kind and service.
 *
 * <pre>{@code
 * {"key": {"kind": "routing", "service": "orders"}, "version": 7, "body": { ...a RoutingRule... }}
 * }</pre>
 *
 * The receiver validates {@code body} with {@code RuleValidator.validate(key.kind(), body)} before applying it, and
 * NACKs the response when it is invalid.
 *
 * @param key which rule this is
 * @param version the rule's version in the control plane's store; increases with every change of this rule
 * @param body the rule document
 */
public record Resource(ResourceKey key, long version, JsonNode body) {

    public Resource {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(body, "body");
    }
}
