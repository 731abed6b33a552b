package io.dualmode.bench.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.registry.RegistryServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The benchmark at toy scale against an embedded registry: every subscriber gets every change. */
class RegistryScaleBenchTest {

    @Test
    @Timeout(120)
    void everySubscriberGetsEveryChange() throws Exception {
        try (RegistryServer server =
                RegistryServer.builder().host("127.0.0.1").port(0).build().start()) {
            RegistryScaleBench bench = new RegistryScaleBench();
            new CommandLine(bench)
                    .parseArgs(
                            "--registry", server.address(),
                            "--services", "20",
                            "--instances", "60",
                            "--providers", "5",
                            "--subscribers", "10",
                            "--subscriptions", "2",
                            "--hot-services", "5",
                            "--nacos-subscribers", "1",
                            "--metadata-bytes", "64",
                            "--change-rate", "10",
                            "--warmup-changes", "5",
                            "--changes", "20",
                            "--broadcast-every", "5",
                            "--drain-seconds", "15");

            Results results = bench.run();

            assertThat(results.get("phase1.registrations")).isEqualTo(60);
            assertThat(results.get("phase1.errors")).isZero();
            assertThat(results.get("registry.after_load.registry_instances")).isEqualTo(60);
            assertThat(results.get("phase2.initial_pushes")).isGreaterThanOrEqualTo(10 * 3);
            assertThat(results.get("phase2.change_errors")).isZero();
            assertThat(results.get("phase2.pushes_expected")).isPositive();
            assertThat(results.get("phase2.pushes_missing_light")).isZero();
            assertThat(results.get("phase2.pushes_missing_nacos")).isZero();
            assertThat(results.get("phase2.stale_at_end_light")).isZero();
            assertThat(results.get("phase2.pushes_delivered")).isEqualTo(results.get("phase2.pushes_expected"));
            assertThat(results.get("phase2.light.all.count"))
                    .isEqualTo(results.get("phase2.pushes_expected") - results.get("phase2.nacos.all.count"));
            assertThat(results.get("phase2.light.all.p99.ms")).isPositive();
        }
    }
}
