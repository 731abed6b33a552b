package io.dualmode.sidecar.cluster;

import io.dualmode.sidecar.config.HealthCheckConfig;
import java.util.concurrent.CompletionStage;

/** Probes one host once; completes with true when it passed. Never completes exceptionally. */
public interface HealthProber {
    CompletionStage<Boolean> probe(UpstreamHost host, HealthCheckConfig check);
}
