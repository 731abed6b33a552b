/** The Dubbo backend and load generator of {@code bench/sidecar-dubbo-bench.sh}: {@link io.dualmode.bench.dubbo.DubboBench}. */
package io.dualmode.bench.dubbo;
