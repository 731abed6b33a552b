/**
 * The Spring Cloud example applications (child JVMs running the example jars) with the registry and real sidecars on
 * loopback. Suites: {@link io.dualmode.it.springcloud.interop.SpringCloudInteropIntegrationTest} (consumer {sdk,
 * mesh} x provider {sdk, mesh}, then a sidecar outage and a registry outage) and {@link
 * io.dualmode.it.springcloud.interop.SpringCloudMigrationIntegrationTest} (per-instance migration under load). Scaffolding: {@link io.dualmode.it.springcloud.interop.ExampleApp} and {@link
 * io.dualmode.it.springcloud.interop.TestSidecar}.
 */
package io.dualmode.it.springcloud.interop;
