package io.dualmode.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dualmode.sidecar.cluster.Endpoint;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The YAML binder: every conversion the configuration uses, and errors naming the key path and line. */
class ConfigBinderTest {

    /** A type with every scalar kind the binder converts, built by a {@code @JsonCreator} factory. */
    record Sample(
            String text,
            int small,
            Integer boxed,
            long big,
            Long bigBoxed,
            boolean flag,
            Boolean flagBoxed,
            double ratio,
            Double ratioBoxed,
            Duration delay,
            HealthCheckConfig.Type type,
            List<String> names,
            Map<String, Integer> counts,
            List<Endpoint> endpoints) {
        @JsonCreator
        static Sample of(
                @JsonProperty("text") String text,
                @JsonProperty("small") int small,
                @JsonProperty("boxed") Integer boxed,
                @JsonProperty("big") long big,
                @JsonProperty("bigBoxed") Long bigBoxed,
                @JsonProperty("flag") boolean flag,
                @JsonProperty("flagBoxed") Boolean flagBoxed,
                @JsonProperty("ratio") double ratio,
                @JsonProperty("ratioBoxed") Double ratioBoxed,
                @JsonProperty("delay") Duration delay,
                @JsonProperty("type") HealthCheckConfig.Type type,
                @JsonProperty("names") List<String> names,
                @JsonProperty("counts") Map<String, Integer> counts,
                @JsonProperty("endpoints") List<Endpoint> endpoints) {
            return new Sample(
                    text,
                    small,
                    boxed,
                    big,
                    bigBoxed,
                    flag,
                    flagBoxed,
                    ratio,
                    ratioBoxed,
                    delay,
                    type,
                    names,
                    counts,
                    endpoints);
        }
    }

    private static Sample sample(String yaml) {
        return ConfigBinder.read(yaml, Sample.class, "sample.yaml");
    }

    @Test
    void convertsEveryScalarKind() {
        Sample s = sample(
                """
                text: 8080
                small: -42
                boxed: "7"
                big: 5_000_000_000
                bigBoxed: 0x10
                flag: yes
                flagBoxed: "FALSE"
                ratio: 0.25
                ratioBoxed: 3
                delay: 1m
                type: Http
                names: [a, 2, true]
                counts: {x: 1, y.z: 2}
                endpoints: [{host: h, port: 1, metadata: {dualmode.mode: mesh}}]
                """);
        assertThat(s.text()).isEqualTo("8080");
        assertThat(s.small()).isEqualTo(-42);
        assertThat(s.boxed()).isEqualTo(7);
        assertThat(s.big()).isEqualTo(5_000_000_000L);
        assertThat(s.bigBoxed()).isEqualTo(16L);
        assertThat(s.flag()).isTrue();
        assertThat(s.flagBoxed()).isFalse();
        assertThat(s.ratio()).isEqualTo(0.25);
        assertThat(s.ratioBoxed()).isEqualTo(3.0);
        assertThat(s.delay()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.type()).isEqualTo(HealthCheckConfig.Type.HTTP);
        assertThat(s.names()).containsExactly("a", "2", "true");
        assertThat(s.counts()).containsExactly(Map.entry("x", 1), Map.entry("y.z", 2));
        assertThat(s.endpoints()).containsExactly(new Endpoint("h", 1, 1, Map.of("dualmode.mode", "mesh")));
    }

    @Test
    void missingAndNullKeysArePassedAsNullOrZero() {
        Sample s = sample("text: ~\nflagBoxed: null\nnames:\n");
        assertThat(s).isEqualTo(Sample.of(null, 0, null, 0, null, false, null, 0, null, null, null, null, null, null));
    }

    @Test
    void durationsInEveryNotation() {
        assertThat(sample("delay: 250ms").delay()).isEqualTo(Duration.ofMillis(250));
        assertThat(sample("delay: 5s").delay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(sample("delay: 2h").delay()).isEqualTo(Duration.ofHours(2));
        assertThat(sample("delay: 1500").delay()).isEqualTo(Duration.ofMillis(1500));
        assertThat(sample("delay: PT3S").delay()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aBadDurationKeepsItsCodeAndNamesWhereItIs() {
        assertThatThrownBy(() -> ConfigLoader.parse("clusters:\n  - name: a\n    connectTimeout: soon\n", "x.yaml"))
                .isInstanceOfSatisfying(
                        SidecarException.class, e -> assertThat(e.error()).isEqualTo(SidecarErrors.BAD_DURATION))
                .hasMessage("SIDECAR-0009: 'soon' is not a duration (use e.g. 250ms, 5s, 1m)"
                        + " (clusters[0].connectTimeout in x.yaml, line 3)");
    }

    @Test
    void enumsIgnoreCaseAndABadOneListsTheChoicesWithPathAndLine() {
        SidecarConfig c = ConfigLoader.parse(
                "clusters: [{name: a, lbPolicy: Least_Request}, {name: b, lbPolicy: RANDOM}]", "x.yaml");
        assertThat(c.clusters())
                .extracting(ClusterConfig::lbPolicy)
                .containsExactly(ClusterConfig.LbPolicy.LEAST_REQUEST, ClusterConfig.LbPolicy.RANDOM);
        assertThatThrownBy(() -> ConfigLoader.parse(
                        """
                        clusters:
                          - name: a
                            lbPolicy: random
                          - name: b
                            endpoints:
                              - {host: h, port: 1}
                            lbPolicy: fastest
                        """,
                        "x.yaml"))
                .hasMessage("SIDECAR-0002: configuration file x.yaml is not valid YAML for the sidecar:"
                        + " clusters[1].lbPolicy: 'fastest' is not one of round_robin, weighted, least_request, random,"
                        + " consistent_hash (line 7)");
        assertThatThrownBy(() -> ConfigLoader.parse("listeners: [{name: a, protocol: 1}]", "x.yaml"))
                .hasMessageContaining("listeners[0].protocol: '1' is not one of http, h2, tcp, dubbo, bolt, rpc");
    }

    @Test
    void unknownKeysAreErrorsListingTheKnownOnes() {
        assertThatThrownBy(() -> ConfigLoader.parse("workers: 1\nlistenrs: []\n", "x.yaml"))
                .hasMessage("SIDECAR-0002: configuration file x.yaml is not valid YAML for the sidecar: listenrs:"
                        + " unknown key (known keys: admin, clusterDefaults, clusters, controlPlane, drainTimeout,"
                        + " governance, limits, listeners, services, workers) (line 2)");
        assertThatThrownBy(() -> ConfigLoader.parse(
                        "clusters:\n  - name: a\n    endpoints:\n      - host: h\n        prot: 1\n", "x.yaml"))
                .hasMessageStartingWith("SIDECAR-0002")
                .hasMessageContaining("clusters[0].endpoints[0].prot: unknown key (known keys: host, metadata, port,"
                        + " weight) (line 5)");
        assertThatThrownBy(() -> ConfigLoader.parse("admin: {port: 1, adress: x}", "x.yaml"))
                .hasMessageContaining("admin.adress: unknown key (known keys: address, port) (line 1)");
    }

    @Test
    void wrongTypesAreErrors() {
        assertThatThrownBy(() -> ConfigLoader.parse("workers: many", "x.yaml"))
                .hasMessageEndingWith("workers: 'many' is not an integer (line 1)");
        assertThatThrownBy(() -> ConfigLoader.parse("workers: 2.5", "x.yaml"))
                .hasMessageEndingWith("workers: '2.5' is not an integer (line 1)");
        assertThatThrownBy(() -> ConfigLoader.parse("workers: 99999999999", "x.yaml"))
                .hasMessageEndingWith("workers: '99999999999' is out of range (-2147483648 to 2147483647) (line 1)");
        assertThatThrownBy(() -> ConfigLoader.parse("governance: {rateLimit: sometimes}", "x.yaml"))
                .hasMessageEndingWith("governance.rateLimit: expected true or false, got 'sometimes' (line 1)");
        assertThatThrownBy(() -> ConfigLoader.parse("listeners: {name: a}", "x.yaml"))
                .hasMessageEndingWith("listeners: expected a list, got a mapping (line 1)");
        assertThatThrownBy(() -> ConfigLoader.parse("admin: 15000", "x.yaml"))
                .hasMessageEndingWith("admin: expected a mapping of address, port, got '15000' (line 1)");
        assertThatThrownBy(() -> ConfigLoader.parse("drainTimeout: [1s]", "x.yaml"))
                .hasMessageEndingWith("drainTimeout: expected a duration, got a list (line 1)");
        assertThatThrownBy(() -> ConfigLoader.parse("controlPlane: {nodeId: {a: b}}", "x.yaml"))
                .hasMessageEndingWith("controlPlane.nodeId: expected a string, got a mapping (line 1)");
        assertThatThrownBy(() -> sample("ratio: half"))
                .hasMessageEndingWith("ratio: expected a number, got 'half' (line 1)");
        assertThatThrownBy(() -> ConfigLoader.parse("- workers: 1", "x.yaml"))
                .hasMessageContaining("the configuration: expected a mapping of admin, clusterDefaults,");
    }

    @Test
    void anErrorInANestedListItemNamesItsPathAndLine() {
        assertThatThrownBy(() -> ConfigLoader.parse(
                        """
                        clusters:
                          - name: a
                            endpoints: [{host: h1, port: 1}]
                          - name: b
                            endpoints:
                              - {host: h2, port: 2}
                              - {host: h3, port: eighty}
                        """,
                        "x.yaml"))
                .hasMessage("SIDECAR-0002: configuration file x.yaml is not valid YAML for the sidecar:"
                        + " clusters[1].endpoints[1].port: 'eighty' is not an integer (line 7)");
        assertThatThrownBy(() -> ConfigLoader.parse("listeners:\n  - {name: a}\n  -\n", "x.yaml"))
                .hasMessageEndingWith("listeners[1]: a list item must not be empty (line 3)");
        assertThatThrownBy(() -> ConfigLoader.parse("clusters: [{name: a, endpoints: [{port: 1}]}]", "x.yaml"))
                .hasMessageEndingWith(
                        "clusters[0].endpoints[0]: invalid (java.lang.NullPointerException: host) (line 1)");
    }

    @Test
    void duplicateKeysAreErrors() {
        assertThatThrownBy(() -> ConfigLoader.parse("workers: 1\nadmin: {port: 0}\nworkers: 2\n", "x.yaml"))
                .hasMessageEndingWith("workers: duplicate key (line 3)");
    }

    @Test
    void yamlSyntaxErrorsHaveCode0002AndTheLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("workers: 1\nlisteners: [{name: a\n", "x.yaml"))
                .hasMessageStartingWith("SIDECAR-0002: configuration file x.yaml is not valid YAML for the sidecar:")
                .hasMessageContaining("while parsing a flow mapping")
                .hasMessageContaining("(line 3, column 1)");
        assertThatThrownBy(() -> ConfigLoader.parse("workers: 1\n---\nworkers: 2\n", "x.yaml"))
                .hasMessageContaining("expected a single document")
                .hasMessageContaining("line 2");
    }

    @Test
    void tagsNeverConstructJavaTypes() {
        assertThatThrownBy(() -> ConfigLoader.parse("workers: !!java.lang.Integer 1", "x.yaml"))
                .hasMessageStartingWith("SIDECAR-0002")
                .hasMessageContaining("Global tag is not allowed");
        assertThatThrownBy(() -> ConfigLoader.parse("controlPlane: {token: !!binary dG9r}", "x.yaml"))
                .hasMessageEndingWith("controlPlane.token: tag tag:yaml.org,2002:binary is not allowed (line 1)");
        assertThatThrownBy(() -> ConfigLoader.parse("controlPlane: {token: !secret t}", "x.yaml"))
                .hasMessageEndingWith("controlPlane.token: tag !secret is not allowed (line 1)");
    }

    @Test
    void aSidecarExceptionFromACreatorOrBuilderPropagatesUnchanged() {
        assertThatThrownBy(() -> ConfigLoader.parse("controlPlane: {url: 'ws://bad host/'}", "x.yaml"))
                .isInstanceOfSatisfying(
                        SidecarException.class, e -> assertThat(e.error()).isEqualTo(SidecarErrors.CONTROL_PLANE_URL))
                .hasMessage(SidecarErrors.CONTROL_PLANE_URL.format("ws://bad host/", "Illegal character in authority"));
        assertThatThrownBy(() -> ConfigLoader.parse("workers: 0", "x.yaml"))
                .hasMessage(SidecarErrors.CONFIG_INVALID.format("workers must be at least 1, got 0"));
    }

    @Test
    void anEmptyDocumentGivesTheDefaults() {
        SidecarConfig defaults = SidecarConfig.builder().build();
        for (String empty : List.of("", "\n", "# only a comment\n", "~", "---\n")) {
            assertThat(ConfigLoader.parse(empty, "x.yaml")).as("'%s'", empty).isEqualTo(defaults);
        }
    }

    @Test
    void nullSectionsKeepTheirDefaults() {
        SidecarConfig c = ConfigLoader.parse("listeners: ~\ncontrolPlane:\ngovernance: null\n", "x.yaml");
        assertThat(c.listeners()).isEmpty();
        assertThat(c.controlPlane()).isEqualTo(ControlPlaneConfig.disabled());
        assertThat(c.governance()).isEqualTo(GovernanceConfig.defaults());
    }

    @Test
    void theDocumentedFullExampleLoads() throws Exception {
        String yaml =
                yamlBlock(Path.of("../docs/configuration-sidecar.md")) + yamlBlock(Path.of("../docs/control-plane.md"));
        SidecarConfig c = ConfigLoader.parse(yaml, "docs");
        assertThat(c.workers()).isEqualTo(2);
        assertThat(c.limits().maxBodyBytes()).isEqualTo(67108864L);
        assertThat(c.listeners()).hasSize(4);
        assertThat(c.listeners().get(2).direction()).isEqualTo(ListenerConfig.Direction.INGRESS);
        ClusterConfig orders = c.clusters().get(0);
        assertThat(orders.hashHeader()).isEqualTo("x-user-id");
        assertThat(orders.endpoints().get(1))
                .isEqualTo(new Endpoint("10.0.0.8", 8080, 2, Map.of("dualmode.mode", "sdk")));
        assertThat(orders.healthCheck().unhealthyThreshold()).isEqualTo(2);
        assertThat(orders.outlier().ejectionTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(orders.retry().maxBufferedBody()).isEqualTo(65536L);
        assertThat(c.services().get(0).port()).isEqualTo(8080);
        assertThat(c.clusterDefaults().lbPolicy()).isEqualTo(ClusterConfig.LbPolicy.LEAST_REQUEST);
        assertThat(c.controlPlane().url()).isEqualTo(URI.create("ws://platform:8080/api/v1/push"));
        assertThat(c.controlPlane().subscribe()).containsExactly("payments");
        assertThat(c.governance().callerAddresses()).containsEntry("10.0.0.6", "billing");
    }

    /** The builder the binder uses is the one Jackson's {@code @JsonDeserialize} names, for other readers. */
    @Test
    void theBuilderTypesAreTheOnesJacksonIsToldAbout() throws Exception {
        for (Class<?> type : List.of(SidecarConfig.class, ClusterConfig.class, ListenerConfig.class)) {
            assertThat(type.getAnnotation(JsonDeserialize.class).builder())
                    .as(type.getSimpleName())
                    .isEqualTo(type.getMethod("builder").getReturnType());
        }
    }

    private static String yamlBlock(Path markdown) throws Exception {
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(markdown));
        assertThat(m.find()).as("a yaml block in %s", markdown).isTrue();
        return m.group(1);
    }
}
