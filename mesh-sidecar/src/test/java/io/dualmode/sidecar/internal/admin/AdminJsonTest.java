package io.dualmode.sidecar.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.sidecar.config.ControlPlaneConfig;
import io.dualmode.sidecar.config.ListenerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin endpoint's JSON writer and reader, checked against Jackson's data binding as the parser. */
class AdminJsonTest {
    private static final ObjectMapper PARSER = new ObjectMapper();

    @Test
    void writesRecordsEnumsDurationsNumbersAndEscapedStringsAsValidJson() throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put(
                "listener",
                new ListenerConfig(
                        "out",
                        ListenerConfig.Direction.EGRESS,
                        ListenerConfig.Protocol.HTTP,
                        "127.0.0.1",
                        15001,
                        "orders"));
        value.put("timeout", Duration.ofMillis(1500));
        value.put("count", 3.0);
        value.put("nan", Double.NaN);
        value.put("big", Long.MAX_VALUE);
        value.put("text", "quote \" backslash \\ newline \n tab \t bell \u0007");
        value.put("empty", List.of());
        value.put("none", null);

        JsonNode json = PARSER.readTree(AdminJson.write(value));

        assertThat(json.at("/listener/name").asText()).isEqualTo("out");
        assertThat(json.at("/listener/direction").asText()).isEqualTo("EGRESS");
        assertThat(json.at("/listener/port").asInt()).isEqualTo(15001);
        assertThat(json.at("/listener/protocols").isArray()).isTrue();
        assertThat(json.get("timeout").asText()).isEqualTo("1500ms");
        assertThat(json.get("count").isDouble()).isTrue();
        assertThat(json.get("count").asDouble()).isEqualTo(3.0);
        assertThat(json.get("nan").asText()).isEqualTo("NaN");
        assertThat(json.get("big").asLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(json.get("text").asText()).isEqualTo("quote \" backslash \\ newline \n tab \t bell \u0007");
        assertThat(json.get("empty").size()).isZero();
        assertThat(json.get("none").isNull()).isTrue();
    }

    @Test
    void theControlPlaneTokenIsRedacted() throws Exception {
        ControlPlaneConfig cp = new ControlPlaneConfig(
                URI.create("ws://127.0.0.1:8080/push"),
                "s3cret-token",
                Path.of("/tmp/state"),
                "node-1",
                List.of(),
                Duration.ofSeconds(1));

        String text = AdminJson.write(Map.of("controlPlane", cp));

        assertThat(text).doesNotContain("s3cret-token");
        JsonNode json = PARSER.readTree(text);
        assertThat(json.at("/controlPlane/token").asText()).isEqualTo(AdminJson.REDACTED);
        assertThat(json.at("/controlPlane/url").asText()).isEqualTo("ws://127.0.0.1:8080/push");
    }

    @Test
    void readsOneStringMemberAndRejectsEverythingElse() {
        assertThat(AdminJson.stringMember("{\"mode\":\"sdk\"}", "mode")).isEqualTo("sdk");
        assertThat(AdminJson.stringMember(
                        " { \"other\": {\"mode\":\"x\"}, \"n\": 1, \"mode\" : \"m\\u0065sh\" } ", "mode"))
                .isEqualTo("mesh");
        assertThat(AdminJson.stringMember("{\"mode\":1}", "mode")).isNull();
        assertThat(AdminJson.stringMember("{\"mode\":\"sdk\"", "mode")).isNull();
        assertThat(AdminJson.stringMember("[\"mode\"]", "mode")).isNull();
        assertThat(AdminJson.stringMember("mode=sdk", "mode")).isNull();
        assertThat(AdminJson.stringMember("", "mode")).isNull();
    }
}
