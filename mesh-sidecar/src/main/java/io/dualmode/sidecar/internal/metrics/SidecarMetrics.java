package io.dualmode.sidecar.internal.metrics;

import io.dualmode.governance.push.LoadReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * All meters of the sidecar, in families: {@code sidecar.downstream.*} per listener, {@code
 * sidecar.upstream.*} and {@code sidecar.outlier.*} per cluster, {@code sidecar.local_response.*}
 * per listener. Meters are resolved once per listener or cluster, never looked up per request.
 */
public final class SidecarMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, ClusterMetrics> clusters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ListenerMetrics> listeners = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TrafficMeter> traffic = new ConcurrentHashMap<>();

    /** The registry, for the admin endpoint. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The meters of one cluster, created on first use. */
    public ClusterMetrics cluster(String name) {
        return clusters.computeIfAbsent(name, n -> new ClusterMetrics(this, registry, n, trafficOf(n)));
    }

    /**
     * The traffic meter of a cluster: a local service's cluster ({@code inbound|<name>}, see {@code
     * Router.INBOUND_PREFIX}) counts as ingress of that service, any other as egress to the cluster's service.
     */
    private TrafficMeter trafficOf(String cluster) {
        String inbound = "inbound|";
        return cluster.startsWith(inbound)
                ? traffic(LoadReport.INGRESS, cluster.substring(inbound.length()))
                : traffic(LoadReport.EGRESS, cluster);
    }

    private TrafficMeter traffic(String direction, String service) {
        return traffic.computeIfAbsent(direction + "|" + service, k -> new TrafficMeter(direction, service, null));
    }

    /**
     * The egress meter of one endpoint ({@code host:port}) of cluster {@code cluster}, for a host joining it; null for
     * a local service's cluster (its one endpoint is the application, whose calls the ingress meter counts). A meter
     * retired but not yet reported is taken back into use.
     */
    synchronized TrafficMeter endpoint(String cluster, String endpoint) {
        if (cluster.startsWith("inbound|")) {
            return null;
        }
        TrafficMeter meter = traffic.computeIfAbsent(
                LoadReport.EGRESS + "|" + cluster + "|" + endpoint,
                k -> new TrafficMeter(LoadReport.EGRESS, cluster, endpoint));
        meter.retired(false);
        return meter;
    }

    /** Marks an endpoint's meter retired: its host left the cluster. The next load report forgets it. */
    synchronized void retire(TrafficMeter meter) {
        meter.retired(true);
    }

    /**
     * Forgets a retired endpoint meter whose last counts were reported; false when it was taken back into use meanwhile
     * (its host rejoined), so it is kept.
     */
    synchronized boolean forget(TrafficMeter meter) {
        return meter.retired()
                && traffic.remove(meter.direction() + "|" + meter.service() + "|" + meter.endpoint(), meter);
    }

    /** Every traffic meter, for the load reports: per direction and service, and per egress endpoint. */
    public Collection<TrafficMeter> traffic() {
        return traffic.values();
    }

    /** The meters of one listener, created on first use. */
    public ListenerMetrics listener(String name) {
        return listeners.computeIfAbsent(name, n -> new ListenerMetrics(registry, n));
    }

    /** Registers a gauge on {@code state}. */
    public <T> void gauge(String name, T state, ToDoubleFunction<T> f) {
        Gauge.builder(name, state, f).register(registry);
    }

    /** Registers a counter read from {@code state}; once per name (a second registration keeps the first meter). */
    public <T> void functionCounter(String name, T state, ToDoubleFunction<T> f) {
        FunctionCounter.builder(name, state, f).register(registry);
    }

    /** Upstream meters of one cluster. */
    public static final class ClusterMetrics {
        public final Counter rq2xx;
        public final Counter rq3xx;
        public final Counter rq4xx;
        public final Counter rq5xx;
        public final Counter rq1xx;
        public final Timer rqTime;
        /** The calls of this cluster in the control plane's load reports. */
        public final TrafficMeter traffic;

        private final SidecarMetrics owner;
        private final String cluster;

        public final Counter connectFail;
        public final Counter reset;
        public final Counter timeout;
        /** Upstream responses the sidecar refused as malformed (HTTP/1.1 head or body framing, HTTP/2 status or order). */
        public final Counter badResponse;
        /**
         * RPC responses that came after their call had ended (timed out, or failed over to another host): dropped,
         * never delivered to any caller.
         */
        public final Counter lateResponse;

        public final Counter retry;
        public final Counter retryOverflow;
        /** Copies of calls sent to a mirror subset (routing rule {@code mirror}). */
        public final Counter mirror;
        /** Mirror copies that failed: no host, connect failure, reset, timeout or a 5xx; the caller never sees it. */
        public final Counter mirrorFailed;
        /** Calls picked for mirroring but not copied because the request was larger than retry.maxBufferedBody. */
        public final Counter mirrorSkipped;

        public final Counter ejections;
        public final Counter grpcUnavailable;
        public final Counter grpcInternal;
        public final Counter grpcDeadlineExceeded;
        public final Counter cxTotal;
        public final AtomicInteger cxActive = new AtomicInteger();
        public final AtomicInteger rqActive = new AtomicInteger();

        ClusterMetrics(SidecarMetrics owner, MeterRegistry r, String cluster, TrafficMeter traffic) {
            this.owner = owner;
            this.cluster = cluster;
            this.traffic = traffic;
            rq1xx = rq(r, cluster, "1xx");
            rq2xx = rq(r, cluster, "2xx");
            rq3xx = rq(r, cluster, "3xx");
            rq4xx = rq(r, cluster, "4xx");
            rq5xx = rq(r, cluster, "5xx");
            rqTime = Timer.builder("sidecar.upstream.rq.time")
                    .description("Upstream request time, first request byte to last response byte")
                    .tag("cluster", cluster)
                    .publishPercentileHistogram()
                    .register(r);
            connectFail = counter(r, "sidecar.upstream.cx.connect_fail", cluster);
            reset = counter(r, "sidecar.upstream.rq.reset", cluster);
            timeout = counter(r, "sidecar.upstream.rq.timeout", cluster);
            badResponse = counter(r, "sidecar.upstream.rq.bad_response", cluster);
            lateResponse = counter(r, "sidecar.upstream.rq.late_response", cluster);
            retry = counter(r, "sidecar.upstream.rq.retry", cluster);
            retryOverflow = counter(r, "sidecar.upstream.rq.retry_overflow", cluster);
            mirror = counter(r, "sidecar.upstream.rq.mirror", cluster);
            mirrorFailed = counter(r, "sidecar.upstream.rq.mirror_failed", cluster);
            mirrorSkipped = counter(r, "sidecar.upstream.rq.mirror_skipped", cluster);
            ejections = counter(r, "sidecar.outlier.ejections", cluster);
            grpcUnavailable = grpc(r, cluster, "UNAVAILABLE");
            grpcInternal = grpc(r, cluster, "INTERNAL");
            grpcDeadlineExceeded = grpc(r, cluster, "DEADLINE_EXCEEDED");
            cxTotal = counter(r, "sidecar.upstream.cx.total", cluster);
            Gauge.builder("sidecar.upstream.cx.active", cxActive, AtomicInteger::get)
                    .tag("cluster", cluster)
                    .register(r);
            Gauge.builder("sidecar.upstream.rq.active", rqActive, AtomicInteger::get)
                    .tag("cluster", cluster)
                    .register(r);
        }

        /** Counts a response by status class and records its time; 5xx (or no status) is an error. */
        public void response(int status, long startNanos) {
            response(status, false, startNanos);
        }

        /**
         * Counts a response by status class and records its time; {@code failed} marks an error the status does not
         * show (a gRPC error status, a reset after the response started).
         */
        public void response(int status, boolean failed, long startNanos) {
            long elapsed = System.nanoTime() - startNanos;
            traffic.recordElapsed(failed || status >= 500 || status < 100, elapsed);
            rqTime.record(elapsed, TimeUnit.NANOSECONDS);
            switch (status / 100) {
                case 1 -> rq1xx.increment();
                case 2 -> rq2xx.increment();
                case 3 -> rq3xx.increment();
                case 4 -> rq4xx.increment();
                default -> rq5xx.increment();
            }
        }

        /** Counts a call of this cluster the sidecar answered itself (5xx is an error) in the load reports. */
        public void localReply(int status, long startNanos) {
            traffic.record(status >= 500, startNanos);
        }

        /** Counts a call of this cluster that failed without a response (reset, timeout) in the load reports. */
        public void failed(long startNanos) {
            traffic.record(true, startNanos);
        }

        /**
         * The load-report meter of this cluster's endpoint {@code address} ({@code host:port}), for a host joining the
         * cluster; null for a local service's cluster.
         */
        public TrafficMeter endpoint(String address) {
            return owner.endpoint(cluster, address);
        }

        /** Retires the meter of an endpoint that left the cluster; its last counts still reach the next report. */
        public void retire(TrafficMeter endpoint) {
            if (endpoint != null) {
                owner.retire(endpoint);
            }
        }

        /** Counts a gRPC failure status, given as the HTTP status it stands for (503, 500, 504). */
        public void grpcFailure(int httpStatus) {
            switch (httpStatus) {
                case 503 -> grpcUnavailable.increment();
                case 500 -> grpcInternal.increment();
                default -> grpcDeadlineExceeded.increment();
            }
        }

        private static Counter grpc(MeterRegistry r, String cluster, String status) {
            return Counter.builder("sidecar.upstream.rq.grpc_failure")
                    .description("gRPC calls that ended with a status counted as an upstream failure")
                    .tag("cluster", cluster)
                    .tag("grpc_status", status)
                    .register(r);
        }

        private static Counter rq(MeterRegistry r, String cluster, String codeClass) {
            return Counter.builder("sidecar.upstream.rq")
                    .tag("cluster", cluster)
                    .tag("code_class", codeClass)
                    .register(r);
        }

        private static Counter counter(MeterRegistry r, String name, String cluster) {
            return Counter.builder(name).tag("cluster", cluster).register(r);
        }
    }

    /** Downstream meters of one listener. */
    public static final class ListenerMetrics {
        public final Counter cxTotal;
        public final Counter rqTotal;
        public final Counter localReply4xx;
        public final Counter localReply5xx;
        public final Counter protocolError;
        public final Counter rqRefused;
        public final AtomicInteger cxActive = new AtomicInteger();

        ListenerMetrics(MeterRegistry r, String listener) {
            cxTotal = counter(r, "sidecar.downstream.cx.total", listener);
            rqTotal = counter(r, "sidecar.downstream.rq.total", listener);
            localReply4xx = Counter.builder("sidecar.local_response")
                    .tag("listener", listener)
                    .tag("code_class", "4xx")
                    .register(r);
            localReply5xx = Counter.builder("sidecar.local_response")
                    .tag("listener", listener)
                    .tag("code_class", "5xx")
                    .register(r);
            protocolError = counter(r, "sidecar.downstream.protocol_error", listener);
            rqRefused = counter(r, "sidecar.downstream.rq.refused", listener);
            Gauge.builder("sidecar.downstream.cx.active", cxActive, AtomicInteger::get)
                    .tag("listener", listener)
                    .register(r);
        }

        /** Counts a reply the sidecar wrote itself. */
        public void localReply(int status) {
            (status >= 500 ? localReply5xx : localReply4xx).increment();
        }

        private static Counter counter(MeterRegistry r, String name, String listener) {
            return Counter.builder(name).tag("listener", listener).register(r);
        }
    }
}
