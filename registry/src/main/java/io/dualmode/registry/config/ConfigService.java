package io.dualmode.registry.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.registry.naming.InvalidRequestException;
import io.dualmode.registry.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Config key-value store with Nacos semantics: MD5 digests, compare-and-set publish, listeners per client connection.
 * Every write is durable before the call returns. Thread-safe.
 */
public final class ConfigService {

    private static final Logger log = LoggerFactory.getLogger(ConfigService.class);
    static final String CONFIG_MAP = "config.items";
    private static final char SEP = '\u0001';
    /** The largest content accepted, in UTF-8 bytes. */
    public static final int MAX_CONTENT_BYTES = 10 * 1024 * 1024;

    private final ConcurrentHashMap<ConfigKey, ConfigItem> items = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ConfigKey, Set<String>> listeners = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<ConfigKey>> listenedByConnection = new ConcurrentHashMap<>();
    private final List<Consumer<ConfigKey>> changeListeners = new CopyOnWriteArrayList<>();
    private final Storage storage;
    private final ObjectMapper json;

    public ConfigService(Storage storage, ObjectMapper json) {
        this.storage = storage;
        this.json = json;
        restore();
    }

    /** Told after a config item changed or was removed. Must not block. */
    public void addChangeListener(Consumer<ConfigKey> listener) {
        changeListeners.add(listener);
    }

    /** The stored item, or null. */
    public ConfigItem get(ConfigKey key) {
        return items.get(key);
    }

    /** The MD5 clients compare against: {@code ""} for an absent item. */
    public String md5(ConfigKey key) {
        ConfigItem item = items.get(key);
        return item == null ? "" : item.md5();
    }

    /**
     * Stores {@code content}. When {@code casMd5} is not blank and the item exists, its MD5 must equal {@code casMd5}
     * or a {@link CasMismatchException} is thrown and nothing changes.
     */
    public ConfigItem publish(
            ConfigKey key, String content, String casMd5, String type, String appName, String encryptedDataKey) {
        if (content == null) {
            throw InvalidRequestException.invalid("content must not be null");
        }
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_CONTENT_BYTES) {
            throw InvalidRequestException.invalid(
                    "content of " + bytes.length + " bytes exceeds the limit of " + MAX_CONTENT_BYTES + " bytes");
        }
        ConfigItem item = new ConfigItem(
                content,
                md5Hex(bytes),
                System.currentTimeMillis(),
                type == null || type.isBlank() ? "text" : type,
                appName,
                encryptedDataKey);
        items.compute(key, (k, current) -> {
            if (casMd5 != null
                    && !casMd5.isBlank()
                    && current != null
                    && !current.md5().equals(casMd5)) {
                throw new CasMismatchException("Cas publish fail,server md5 may have changed.");
            }
            storage.put(CONFIG_MAP, storageKey(k), write(item));
            return item;
        });
        changed(key);
        return item;
    }

    /** Removes an item; true when it existed. */
    public boolean remove(ConfigKey key) {
        boolean[] removed = {false};
        items.computeIfPresent(key, (k, current) -> {
            storage.remove(CONFIG_MAP, storageKey(k));
            removed[0] = true;
            return null;
        });
        if (removed[0]) {
            changed(key);
        }
        return removed[0];
    }

    /** Registers the connection as a listener of {@code key}. */
    public void listen(String connectionId, ConfigKey key) {
        listeners.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(connectionId);
        listenedByConnection
                .computeIfAbsent(connectionId, c -> ConcurrentHashMap.newKeySet())
                .add(key);
    }

    /** Unregisters the connection as a listener of {@code key}. */
    public void unlisten(String connectionId, ConfigKey key) {
        Set<String> set = listeners.get(key);
        if (set != null) {
            set.remove(connectionId);
        }
        Set<ConfigKey> keys = listenedByConnection.get(connectionId);
        if (keys != null) {
            keys.remove(key);
        }
    }

    /** Drops every listener of the connection. */
    public void connectionClosed(String connectionId) {
        Set<ConfigKey> keys = listenedByConnection.remove(connectionId);
        if (keys != null) {
            keys.forEach(k -> {
                Set<String> set = listeners.get(k);
                if (set != null) {
                    set.remove(connectionId);
                }
            });
        }
    }

    /** The connections listening on {@code key}. */
    public Set<String> listenersOf(ConfigKey key) {
        Set<String> set = listeners.get(key);
        return set == null ? Set.of() : Set.copyOf(set);
    }

    /** Every stored item. */
    public Map<ConfigKey, ConfigItem> items() {
        return Map.copyOf(items);
    }

    /** How many items are stored. */
    public int size() {
        return items.size();
    }

    /** Lowercase hex MD5 of {@code bytes}. */
    public static String md5Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    }

    private void changed(ConfigKey key) {
        for (Consumer<ConfigKey> l : changeListeners) {
            try {
                l.accept(key);
            } catch (RuntimeException e) {
                log.warn("REGISTRY-0102: config listener failed for {}", key, e);
            }
        }
    }

    private String write(ConfigItem item) {
        try {
            return json.writeValueAsString(item);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise config item", e);
        }
    }

    private static String storageKey(ConfigKey key) {
        return key.tenant() + SEP + key.group() + SEP + key.dataId();
    }

    private void restore() {
        for (Map.Entry<String, String> e : storage.map(CONFIG_MAP).entrySet()) {
            String[] parts = e.getKey().split(String.valueOf(SEP), -1);
            try {
                items.put(new ConfigKey(parts[0], parts[1], parts[2]), json.readValue(e.getValue(), ConfigItem.class));
            } catch (Exception ex) {
                log.error("REGISTRY-0003: skipping unreadable stored config {}", e.getKey(), ex);
            }
        }
    }
}
