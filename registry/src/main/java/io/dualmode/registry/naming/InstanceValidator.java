package io.dualmode.registry.naming;

import java.util.Map;
import java.util.regex.Pattern;

/** Checks instances and service names before anything is stored, with messages that say what to fix. */
final class InstanceValidator {

    static final double MAX_WEIGHT = 10_000.0;
    static final int MAX_NAME_LENGTH = 512;
    static final int MAX_METADATA_ENTRIES = 256;
    static final int MAX_METADATA_CHARS = 64 * 1024;
    private static final Pattern CLUSTER_NAME = Pattern.compile("[0-9a-zA-Z_.\\-]+");

    private InstanceValidator() {}

    static void validateKey(ServiceKey key) {
        requireName("serviceName", key.name());
        requireName("groupName", key.group());
        requireName("namespace", key.namespace());
        if (key.name().contains(ServiceKey.GROUP_SEPARATOR)) {
            throw InvalidRequestException.invalid("serviceName '" + key.name() + "' must not contain '@@' twice");
        }
    }

    static void validate(Instance instance) {
        if (instance == null) {
            throw InvalidRequestException.invalid("instance is missing");
        }
        requireName("ip", instance.ip());
        if (instance.port() < 0 || instance.port() > 65_535) {
            throw InvalidRequestException.invalid("port " + instance.port() + " is out of range, expected 0..65535");
        }
        double weight = instance.weight();
        if (Double.isNaN(weight) || weight < 0 || weight > MAX_WEIGHT) {
            throw InvalidRequestException.invalid("weight " + weight + " is out of range, expected 0.." + MAX_WEIGHT);
        }
        String cluster = instance.clusterName();
        if (cluster != null
                && !cluster.isEmpty()
                && !CLUSTER_NAME.matcher(cluster).matches()) {
            throw InvalidRequestException.invalid(
                    "clusterName '" + cluster + "' may contain only letters, digits, '-', '_' and '.'");
        }
        validateMetadata(instance.metadata());
    }

    private static void validateMetadata(Map<String, String> metadata) {
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            throw InvalidRequestException.invalid(
                    "metadata has " + metadata.size() + " entries, at most " + MAX_METADATA_ENTRIES + " allowed");
        }
        long chars = 0;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            chars += e.getKey().length()
                    + (e.getValue() == null ? 0 : e.getValue().length());
        }
        if (chars > MAX_METADATA_CHARS) {
            throw InvalidRequestException.invalid(
                    "metadata holds " + chars + " characters, at most " + MAX_METADATA_CHARS + " allowed");
        }
    }

    private static void requireName(String field, String value) {
        if (value == null || value.isBlank()) {
            throw InvalidRequestException.invalid(field + " must not be empty");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw InvalidRequestException.invalid(field + " is longer than " + MAX_NAME_LENGTH + " characters");
        }
    }
}
