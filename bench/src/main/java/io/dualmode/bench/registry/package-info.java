/**
 * The registry scale benchmark of issue 2: {@link io.dualmode.bench.registry.RegistryScaleBench} loads a registry
 * running in its own process with lightweight Nacos-protocol clients and real nacos-client subscribers, and measures
 * registrations/s, change-to-push latency and the registry's memory; {@link io.dualmode.bench.registry.ResultsTable}
 * reduces rounds to medians.
 */
package io.dualmode.bench.registry;
