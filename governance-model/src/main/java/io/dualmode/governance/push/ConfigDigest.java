package io.dualmode.governance.push;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The digest of a set of resources, computed the same way by the sidecar (over what it runs) and the control plane
 * (over what a sidecar should run): SHA-256 over the lines {@code kind/service@version\n} sorted by resource name,
 * written {@code sha256:<hex>}. Equal digests mean the sidecar is up to date.
 */
public final class ConfigDigest {

    private ConfigDigest() {}

    /** The digest of resources given by key and version. */
    public static String of(Map<ResourceKey, Long> versions) {
        TreeMap<String, Long> sorted = new TreeMap<>();
        versions.forEach((k, v) -> sorted.put(k.name(), v));
        MessageDigest sha = sha256();
        sorted.forEach((name, version) -> sha.update((name + "@" + version + "\n").getBytes(StandardCharsets.UTF_8)));
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
