package io.dualmode.sidecar.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the YAML configuration file and applies overrides (from flags and {@code
 * DUALMODE_SIDECAR_*} environment variables, which win over the file).
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** Loads {@code file} (or only defaults when null) and applies {@code overrides}. */
    public static SidecarConfig load(Path file, Overrides overrides) {
        SidecarConfig base = file == null ? SidecarConfig.builder().build() : read(file);
        return overrides.applyTo(base);
    }

    /**
     * Parses YAML text; {@code origin} names it in error messages. An empty document gives the defaults. Mistakes
     * are {@code SIDECAR-0002} naming the key path and line, or the code of the validation that failed.
     */
    public static SidecarConfig parse(String yaml, String origin) {
        SidecarConfig config = ConfigBinder.read(yaml, SidecarConfig.class, origin);
        return config == null ? SidecarConfig.builder().build() : config;
    }

    private static SidecarConfig read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw SidecarErrors.CONFIG_FILE_UNREADABLE.exception(file, e.toString());
        }
    }

    /** Values from flags or the environment that replace those of the file; null means keep. */
    public record Overrides(
            Integer workers, String adminAddress, Integer adminPort, String ingressAddress, Duration drainTimeout) {

        /** No overrides. */
        public static Overrides none() {
            return new Overrides(null, null, null, null, null);
        }

        SidecarConfig applyTo(SidecarConfig config) {
            SidecarConfig.Builder b = config.toBuilder();
            if (workers != null) {
                b.workers(workers);
            }
            if (drainTimeout != null) {
                b.drainTimeout(drainTimeout);
            }
            if (adminAddress != null || adminPort != null) {
                b.admin(new AdminConfig(
                        adminAddress != null ? adminAddress : config.admin().address(),
                        adminPort != null ? adminPort : config.admin().port()));
            }
            if (ingressAddress != null) {
                b.listeners(withIngressAddress(config.listeners()));
            }
            return b.build();
        }

        private List<ListenerConfig> withIngressAddress(List<ListenerConfig> listeners) {
            List<ListenerConfig> out = new ArrayList<>();
            for (ListenerConfig l : listeners) {
                out.add(
                        l.direction() == ListenerConfig.Direction.INGRESS
                                ? new ListenerConfig(
                                        l.name(),
                                        l.direction(),
                                        l.protocol(),
                                        ingressAddress,
                                        l.port(),
                                        l.cluster(),
                                        l.protocols())
                                : l);
            }
            return out;
        }
    }
}
