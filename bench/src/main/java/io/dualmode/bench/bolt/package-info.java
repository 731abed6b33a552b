/** The Bolt backend and load generator of {@code bench/sidecar-bolt-bench.sh}: {@link io.dualmode.bench.bolt.BoltBench}. */
package io.dualmode.bench.bolt;
