/**
 * The push benchmark: {@link io.dualmode.bench.push.PushBench} opens thousands of lightweight simulated sidecars on
 * a platform's push stream and times rule writes to the ACK of every sidecar concerned.
 */
package io.dualmode.bench.push;
