package io.dualmode.registry.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.h2.mvstore.MVStore;

/**
 * Durable key-value maps under the data directory (an H2 MVStore file), or in memory when there is none. Every write
 * is committed before the call returns, so a stored value survives the process being killed.
 */
public final class Storage implements AutoCloseable {

    private static final String FILE_NAME = "registry.mv.db";

    private final MVStore store;
    private final Path file;

    private Storage(MVStore store, Path file) {
        this.store = store;
        this.file = file;
    }

    /** Opens (creating if needed) the store under {@code dataDir}. */
    public static Storage open(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("REGISTRY-0002: cannot create data directory " + dataDir, e);
        }
        Path file = dataDir.resolve(FILE_NAME);
        MVStore store = new MVStore.Builder()
                .fileName(file.toString())
                .autoCommitDisabled()
                .open();
        return new Storage(store, file);
    }

    /** A store that keeps nothing across restarts. */
    public static Storage inMemory() {
        return new Storage(new MVStore.Builder().autoCommitDisabled().open(), null);
    }

    /** The named map; writes to it must be followed by {@link #commit()}. */
    public Map<String, String> map(String name) {
        return store.openMap(name);
    }

    /** Writes one entry durably. */
    public synchronized void put(String map, String key, String value) {
        store.<String, String>openMap(map).put(key, value);
        store.commit();
    }

    /** Removes one entry durably. */
    public synchronized void remove(String map, String key) {
        if (store.<String, String>openMap(map).remove(key) != null) {
            store.commit();
        }
    }

    /** Whether this store is backed by a file. */
    public boolean durable() {
        return file != null;
    }

    @Override
    public synchronized void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }
}
