package io.dualmode.sidecar.internal.rpc;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.internal.governance.Admission;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.ProtocolPlugin;
import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;

/**
 * The retry state of one RPC call whose service has a retry rule: a retained duplicate of the request frame (same
 * pooled buffer, no copy of the body), the attempts made and the call's overall deadline. When an attempt fails
 * before any reply (the connection could not be made, closed before the reply, or the attempt's own timeout ran
 * out) and the rule names that failure, the frame is sent again to another host of the same subset, within the
 * cluster's retry budget. A reply of any kind, even an error, is never retried: the provider may have run the call.
 * Used only on the event loop of the downstream connection.
 */
final class Retry {
    private final ProtocolPlugin plugin;
    private final UpstreamPool pool;
    private final Cluster cluster;
    private final Admission admission;
    private final Channel downstream;
    private final Frame request;
    final long startNanos = System.nanoTime();
    long deadlineNanos;
    private int attempts;
    private boolean counted;
    private boolean released;

    Retry(
            ProtocolPlugin plugin,
            UpstreamPool pool,
            Cluster cluster,
            Admission admission,
            Channel downstream,
            Frame request) {
        this.plugin = plugin;
        this.pool = pool;
        this.cluster = cluster;
        this.admission = admission;
        this.downstream = downstream;
        this.request = request;
    }

    /**
     * Sends the request again after an attempt to {@code failed} failed with {@code condition} (an {@code
     * Admission.RETRY_*} bit); true when a new attempt is on its way and the caller must not answer.
     */
    boolean again(int condition, UpstreamHost failed) {
        if (released
                || (admission.retryOn() & condition) == 0
                || attempts >= admission.retries()
                || System.nanoTime() - deadlineNanos >= 0
                || !downstream.isActive()) {
            return false;
        }
        long backoff = admission.backoffMillis(attempts + 1);
        if (backoff > 0 && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) - deadlineNanos >= 0) {
            return false;
        }
        ended();
        if (!admission.tryRetry(cluster)) {
            return false;
        }
        UpstreamHost host = pick(failed);
        if (host == null) {
            cluster.retryDone();
            return false;
        }
        counted = true;
        attempts++;
        if (backoff > 0) {
            downstream.eventLoop().schedule(() -> sendAfterBackoff(host), backoff, TimeUnit.MILLISECONDS);
        } else {
            pool.get(plugin, cluster, host).send(downstream, request.retainedDuplicate(), admission, this);
        }
        return true;
    }

    /** The retry rule's back-off is over: the attempt goes out unless the call ended meanwhile. */
    private void sendAfterBackoff(UpstreamHost host) {
        if (!released && downstream.isActive()) {
            pool.get(plugin, cluster, host).send(downstream, request.retainedDuplicate(), admission, this);
        } else {
            release();
        }
    }

    /** Another host of the subset than the one that failed, when there is one. */
    private UpstreamHost pick(UpstreamHost failed) {
        UpstreamHost host = null;
        for (int i = 0; i < 4; i++) {
            host = cluster.select(null, admission.subset());
            if (host != failed) {
                return host;
            }
        }
        return host;
    }

    /** The attempt in flight ended (answered or failed): its retry no longer counts against the budget. */
    private void ended() {
        if (counted) {
            counted = false;
            cluster.retryDone();
        }
    }

    /** The call is over: frees the retained request. Idempotent. */
    void release() {
        ended();
        if (!released) {
            released = true;
            request.release();
        }
    }
}
