package io.dualmode.sidecar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.registry.naming.Instance;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DubboApplicationsTest {

    private static final String ENDPOINTS =
            "[{\"port\":20880,\"protocol\":\"dubbo\"},{\"port\":50051,\"protocol\":\"tri\"}]";
    private static final String PARAMS =
            "{\"version\":\"1.0.0\",\"dubbo\":\"2.0.2\",\"side\":\"provider\",\"port\":\"20880\",\"protocol\":\"dubbo\"}";

    @Test
    void anApplicationLevelInstanceIsToldByItsRevisionOrEndpoints() {
        assertThat(DubboApplications.is(Map.of("dubbo.metadata.revision", "abc")))
                .isTrue();
        assertThat(DubboApplications.is(Map.of("dubbo.endpoints", ENDPOINTS))).isTrue();
        assertThat(DubboApplications.is(Map.of("protocol", "dubbo", "dualmode.protocol", "dubbo")))
                .isFalse();
        assertThat(Protocols.of(Map.of("dubbo.metadata.revision", "abc", "dualmode.protocol", "dubbo")))
                .isEqualTo(DubboApplications.PROTOCOL);
    }

    @Test
    void theDubboPortIsTheDubboEndpointsElseTheInstancesPort() {
        assertThat(DubboApplications.dubboPort(instance(Map.of("dubbo.endpoints", ENDPOINTS))))
                .isEqualTo(20880);
        assertThat(DubboApplications.dubboPort(
                        instance(Map.of("dubbo.endpoints", "[{\"port\":50051,\"protocol\":\"tri\"}]"))))
                .isEqualTo(7000);
        assertThat(DubboApplications.dubboPort(instance(Map.of("dubbo.endpoints", "not json"))))
                .isEqualTo(7000);
        assertThat(DubboApplications.dubboPort(instance(Map.of("dubbo.metadata.revision", "abc"))))
                .isEqualTo(7000);
    }

    @Test
    void everyAddressTheConsumerDialsIsPointedAtTheListener() {
        Map<String, String> out = DubboApplications.pointedAt(
                Map.of(
                        "dubbo.metadata.revision", "abc",
                        "dubbo.endpoints", ENDPOINTS,
                        "dubbo.metadata-service.url-params", PARAMS),
                31000);
        assertThat(out.get("dubbo.endpoints")).isEqualTo("[{\"port\":31000,\"protocol\":\"dubbo\"}]");
        assertThat(out.get("dubbo.metadata-service.url-params"))
                .isEqualTo("{\"version\":\"1.0.0\",\"dubbo\":\"2.0.2\",\"side\":\"provider\",\"port\":\"31000\","
                        + "\"protocol\":\"dubbo\"}");
        assertThat(out).containsEntry("dubbo.metadata.revision", "abc");
    }

    @Test
    void theDubbo27FormOfTheMetadataServiceParametersIsPointedAtTheListenerToo() {
        Map<String, String> out = DubboApplications.pointedAt(
                Map.of("dubbo.metadata-service.url-params", "{\"dubbo\":{\"version\":\"1.0.0\",\"port\":\"20880\"}}"),
                31000);
        assertThat(out.get("dubbo.metadata-service.url-params"))
                .isEqualTo("{\"dubbo\":{\"version\":\"1.0.0\",\"port\":\"31000\"}}");
    }

    @Test
    void aMetadataServiceOnAnotherProtocolAndUnreadableEntriesAreLeftAlone() {
        String tri = "{\"port\":\"50051\",\"protocol\":\"tri\"}";
        Map<String, String> out = DubboApplications.pointedAt(
                Map.of("dubbo.metadata-service.url-params", tri, "dubbo.endpoints", "not json"), 31000);
        assertThat(out)
                .containsEntry("dubbo.metadata-service.url-params", tri)
                .containsEntry("dubbo.endpoints", "not json");
    }

    private static Instance instance(Map<String, String> metadata) {
        return new Instance(null, "127.0.0.1", 7000, 1.0, true, true, true, "DEFAULT", null, metadata);
    }
}
