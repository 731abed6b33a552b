package io.dualmode.registry.config;

import io.dualmode.registry.naming.InvalidRequestException;
import java.util.regex.Pattern;

/**
 * Identifies a config item. The tenant {@code ""}, {@code null} and {@code public} are one namespace and are
 * normalised to {@code ""}, as the Nacos config client sends it.
 */
public record ConfigKey(String tenant, String group, String dataId) {

    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9_\\-.:]+");
    private static final int MAX_LENGTH = 256;

    public ConfigKey {
        tenant = tenant == null || tenant.equals("public") ? "" : tenant;
        group = group == null || group.isBlank() ? "DEFAULT_GROUP" : group;
        check("dataId", dataId);
        check("group", group);
        if (!tenant.isEmpty()) {
            check("tenant", tenant);
        }
    }

    private static void check(String field, String value) {
        if (value == null || value.isBlank()) {
            throw InvalidRequestException.invalid(field + " must not be empty");
        }
        if (value.length() > MAX_LENGTH || !VALID.matcher(value).matches()) {
            throw InvalidRequestException.invalid(field + " '" + value + "' is invalid: use at most " + MAX_LENGTH
                    + " letters, digits, '_', '-', '.' or ':'");
        }
    }

    @Override
    public String toString() {
        return (tenant.isEmpty() ? "public" : tenant) + "/" + group + "/" + dataId;
    }
}
