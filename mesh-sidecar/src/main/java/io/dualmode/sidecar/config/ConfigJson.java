package io.dualmode.sidecar.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Duration;

/**
 * The JSON mapper of config dumps, kept apart from {@link ConfigLoader} so that reading the configuration loads no
 * Jackson databind class: only a caller of {@link ConfigLoader#jsonMapper()} does.
 */
final class ConfigJson {
    private ConfigJson() {}

    static ObjectMapper mapper() {
        SimpleModule durations = new SimpleModule("durations");
        durations.addSerializer(Duration.class, new DurationWriter());
        return JsonMapper.builder()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build()
                .registerModule(durations);
    }

    /** Writes a duration as {@link Durations#format} does, e.g. {@code 5s}. */
    private static final class DurationWriter extends JsonSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializerProvider sp) throws IOException {
            gen.writeString(Durations.format(value));
        }
    }
}
