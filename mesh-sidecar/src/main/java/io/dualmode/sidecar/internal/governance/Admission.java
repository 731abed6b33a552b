package io.dualmode.sidecar.internal.governance;

import com.alibaba.csp.sentinel.AsyncEntry;
import com.alibaba.csp.sentinel.Tracer;
import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.config.SidecarErrors;
import java.util.Map;

/**
 * The filters' verdict on one call: rejected with a status and error, or admitted with what the proxy must apply
 * (a delay, the subset's labels, a timeout and retry count). An admitted call holds its circuit breakers' Sentinel
 * entries until {@link #complete(boolean)}, which must be called exactly once.
 */
public final class Admission {

    /** A call no rule concerns. */
    public static final Admission PASS = new Admission(0, null, null, 0, null, -1, -1, false, null);

    /** Retry condition bits, one per {@code RetryCondition}, in {@link #retryOn()}. */
    public static final int RETRY_CONNECT_FAILURE = 1;

    public static final int RETRY_RESET = 2;
    public static final int RETRY_TIMEOUT = 4;
    public static final int RETRY_GATEWAY_ERROR = 8;
    public static final int RETRY_SERVER_ERROR = 16;
    public static final int RETRY_UNAVAILABLE = 32;

    private final int status;
    private final SidecarErrors error;
    private final String message;
    private final long delayMillis;
    private final Map<String, String> subset;
    private final long timeoutMillis;
    private final int retries;
    private final boolean retryOnReset;
    private final AsyncEntry[] entries;
    private final int retryOn;
    private final long perTryTimeoutMillis;
    private final RetryPace pace;
    private final Mirror mirror;
    private AdaptiveLimiter.Counters adaptive;
    private long startNanos;

    Admission(
            int status,
            SidecarErrors error,
            String message,
            long delayMillis,
            Map<String, String> subset,
            long timeoutMillis,
            int retries,
            boolean retryOnReset,
            AsyncEntry[] entries) {
        this(
                status,
                error,
                message,
                delayMillis,
                subset,
                timeoutMillis,
                retries,
                retryOnReset,
                entries,
                0,
                -1,
                null,
                null);
    }

    Admission(
            int status,
            SidecarErrors error,
            String message,
            long delayMillis,
            Map<String, String> subset,
            long timeoutMillis,
            int retries,
            boolean retryOnReset,
            AsyncEntry[] entries,
            int retryOn,
            long perTryTimeoutMillis,
            RetryPace pace,
            Mirror mirror) {
        this.pace = pace;
        this.mirror = mirror;
        this.retryOn = retryOn;
        this.perTryTimeoutMillis = perTryTimeoutMillis;
        this.status = status;
        this.error = error;
        this.message = message;
        this.delayMillis = delayMillis;
        this.subset = subset;
        this.timeoutMillis = timeoutMillis;
        this.retries = retries;
        this.retryOnReset = retryOnReset;
        this.entries = entries;
    }

    static Admission reject(int status, SidecarErrors error, String message) {
        return new Admission(status, error, message, 0, null, -1, -1, false, null);
    }

    /** An admitted ingress call counted in flight by an adaptive limit until it completes. */
    static Admission tracked(AdaptiveLimiter.Counters counters, long startNanos) {
        Admission a = new Admission(0, null, null, 0, null, -1, -1, false, null);
        a.adaptive = counters;
        a.startNanos = startNanos;
        return a;
    }

    /** Whether the call is answered locally instead of forwarded. */
    public boolean rejected() {
        return error != null;
    }

    /** The local reply's status. */
    public int status() {
        return status;
    }

    /** The local reply's error. */
    public SidecarErrors error() {
        return error;
    }

    /** The local reply's message, with its code. */
    public String message() {
        return message;
    }

    /** A delay to wait before forwarding, 0 for none. */
    public long delayMillis() {
        return delayMillis;
    }

    /** The labels hosts must carry, or null for any host. */
    public Map<String, String> subset() {
        return subset;
    }

    /** The request timeout overriding the cluster's, or -1. */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** The retries overriding the cluster's, or -1. */
    public int retries() {
        return retries;
    }

    /**
     * Whether the service's retry rule names {@code reset}: a request that is not idempotent (a POST) may then be
     * retried after the upstream reset it before answering, as idempotent ones always may.
     */
    public boolean retryOnReset() {
        return retryOnReset;
    }

    /**
     * The failures the service's retry rule retries, as {@code RETRY_*} bits; 0 when no rule sets them (the
     * cluster's own retry settings then apply).
     */
    public int retryOn() {
        return retryOn;
    }

    /** Whether the rule retries the failure {@code condition} (a {@code RETRY_*} bit). */
    public boolean retries(int condition) {
        return (retryOn & condition) != 0;
    }

    /** The deadline of each attempt from the retry rule, or -1 (each attempt may use the whole timeout). */
    public long perTryTimeoutMillis() {
        return perTryTimeoutMillis;
    }

    /**
     * Whether one more retry fits the budget, counted until {@code cluster.retryDone()} when it does: the retry
     * rule's own budget when it sets one, else the cluster's.
     */
    public boolean tryRetry(Cluster cluster) {
        return pace == null ? cluster.tryRetry() : pace.tryRetry(cluster);
    }

    /**
     * The back-off before retry {@code retry} (1 for the first), in milliseconds, 0 for none: jittered exponential
     * from the rule's {@code backoffMillis}, never below it. The proxy waits on the event loop's timer.
     */
    public long backoffMillis(int retry) {
        return pace == null ? 0 : pace.backoffMillis(retry);
    }

    /** Where a copy of this call goes, or null when it is not mirrored. */
    public Mirror mirror() {
        return mirror;
    }

    /**
     * A copy of the call to send, its reply dropped: to a host carrying {@code subset}'s labels.
     *
     * @param subset the labels of the mirror subset
     */
    public record Mirror(Map<String, String> subset) {}

    /** Ends the call: a failure (5xx, reset, timeout) counts against the circuit breakers. */
    public void complete(boolean failed) {
        if (adaptive != null) {
            adaptive.finished(startNanos);
        }
        if (entries == null) {
            return;
        }
        for (AsyncEntry e : entries) {
            if (failed) {
                Tracer.traceEntry(Failure.INSTANCE, e);
            }
            e.exit();
        }
    }

    /** The error recorded for a failed call; shared, without a stack trace. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Failure INSTANCE = new Failure();

        private Failure() {
            super("upstream failure", null, false, false);
        }
    }
}
