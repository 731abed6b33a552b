package io.dualmode.governance.rule;

import java.util.Map;

/**
 * A named group of a service's instances: those whose metadata carries every one of these labels (e.g. {@code
 * version}, {@code zone}, {@code canary}).
 *
 * @param name the name routes use to refer to this subset
 * @param labels the instance metadata entries an instance must all have to belong to this subset
 */
public record Subset(String name, Map<String, String> labels) {

    public Subset {
        labels = Copies.map(labels);
    }
}
