package io.dualmode.sidecar.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/** The protocol plug-ins available, by {@link ProtocolPlugin#name()}. Immutable. */
public final class ProtocolRegistry {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

    private final Map<String, ProtocolPlugin> plugins;

    private ProtocolRegistry(Map<String, ProtocolPlugin> plugins) {
        this.plugins = plugins;
    }

    /** The plug-ins registered with {@link ServiceLoader} on this class's class loader. */
    public static ProtocolRegistry load() {
        return load(ProtocolRegistry.class.getClassLoader());
    }

    /** The plug-ins registered with {@link ServiceLoader} on {@code loader}. */
    public static ProtocolRegistry load(ClassLoader loader) {
        List<ProtocolPlugin> found = new ArrayList<>();
        ServiceLoader.load(ProtocolPlugin.class, loader).forEach(found::add);
        return of(found);
    }

    /**
     * A registry of the given plug-ins.
     *
     * @throws IllegalStateException when a name is invalid or taken twice
     */
    public static ProtocolRegistry of(Collection<? extends ProtocolPlugin> plugins) {
        Map<String, ProtocolPlugin> byName = new LinkedHashMap<>();
        for (ProtocolPlugin plugin : plugins) {
            String name = plugin.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalStateException(plugin.getClass().getName() + " has an invalid name: " + name);
            }
            ProtocolPlugin previous = byName.putIfAbsent(name, plugin);
            if (previous != null) {
                throw new IllegalStateException("protocol " + name + " registered by both "
                        + previous.getClass().getName() + " and "
                        + plugin.getClass().getName());
            }
        }
        return new ProtocolRegistry(Map.copyOf(byName));
    }

    /** The plug-in with this name, if any. */
    public Optional<ProtocolPlugin> find(String name) {
        return Optional.ofNullable(plugins.get(name));
    }

    /**
     * The plug-in with this name.
     *
     * @throws IllegalArgumentException when there is none, naming those there are
     */
    public ProtocolPlugin get(String name) {
        ProtocolPlugin plugin = plugins.get(name);
        if (plugin == null) {
            throw new IllegalArgumentException("unknown protocol " + name + "; known: " + plugins.keySet());
        }
        return plugin;
    }

    /** The plug-ins with these names, in this order, for a {@link ProtocolDetectionHandler}. */
    public List<ProtocolPlugin> get(Collection<String> names) {
        return names.stream().map(this::get).toList();
    }

    /** The names of every plug-in. */
    public Collection<String> names() {
        return plugins.keySet();
    }
}
