package io.dualmode.sidecar.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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
    private static final ObjectMapper YAML = configure(YAMLMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build());

    private ConfigLoader() {}

    /** A JSON mapper that writes durations as {@code 5s}; used for config dumps. */
    public static ObjectMapper jsonMapper() {
        return configure(
                JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build());
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        SimpleModule durations = new SimpleModule("durations");
        durations.addDeserializer(Duration.class, new Durations.Reader());
        durations.addSerializer(Duration.class, new Durations.Writer());
        return mapper.registerModule(durations);
    }

    /** Loads {@code file} (or only defaults when null) and applies {@code overrides}. */
    public static SidecarConfig load(Path file, Overrides overrides) {
        SidecarConfig base = file == null ? SidecarConfig.builder().build() : read(file);
        return overrides.applyTo(base);
    }

    /** Parses YAML text; {@code origin} names it in error messages. */
    public static SidecarConfig parse(String yaml, String origin) {
        try {
            SidecarConfig config = YAML.readValue(yaml, SidecarConfig.class);
            return config == null ? SidecarConfig.builder().build() : config;
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof SidecarException se) {
                throw se;
            }
            throw SidecarErrors.CONFIG_SYNTAX.exception(origin, e.getOriginalMessage() + location(e));
        }
    }

    private static SidecarConfig read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw SidecarErrors.CONFIG_FILE_UNREADABLE.exception(file, e.toString());
        }
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
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
