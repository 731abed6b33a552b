package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.internal.metrics.SidecarMetrics.ClusterMetrics;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A retry rule's budget and back-off on an RPC protocol, the same for every protocol: the caller's cluster balances
 * over a dead endpoint and a live one (outlier ejection off), so about every other call meets the dead one.
 *
 * <ol>
 *   <li>a budget of nothing: a call that meets the dead endpoint fails, its retry refused and counted;
 *   <li>a back-off of 300 ms: every call succeeds, and one that was retried waited at least that long;
 *   <li>a back-off that would end past the call's deadline: no retry, the caller gets the failure at once.
 * </ol>
 */
final class RetryPacingScenario {

    /** Through the protocol's client: the live endpoint's reply, or the failure's text. */
    interface Caller {
        String call(String text) throws Exception;
    }

    private RetryPacingScenario() {}

    /**
     * @param call one call through the sidecar
     * @param reply the live endpoint's reply to a text
     * @param applyRule applies a {@code TIMEOUT_RETRY} rule (JSON) for the called service
     * @param metrics the caller-side cluster's meters
     */
    static void run(Caller call, UnaryOperator<String> reply, Consumer<String> applyRule, ClusterMetrics metrics)
            throws Exception {
        applyRule.accept(
                """
                {"requestTimeoutMillis": 5000,
                 "retry": {"attempts": 2, "retryOn": ["connect-failure"],
                           "budget": {"budgetPercent": 0, "minRetriesPerSecond": 0}}}""");
        int failed = 0;
        for (int i = 0; i < 20; i++) {
            String answer = call.call("b" + i);
            if (!answer.equals(reply.apply("b" + i))) {
                assertThat(answer).contains("cannot connect");
                failed++;
            }
        }
        assertThat(failed).as("calls that met the dead endpoint").isPositive();
        assertThat(metrics.retryOverflow.count()).isEqualTo(failed);
        assertThat(metrics.retry.count()).isZero();

        applyRule.accept(
                """
                {"requestTimeoutMillis": 5000,
                 "retry": {"attempts": 1, "retryOn": ["connect-failure"], "backoffMillis": 300,
                           "budget": {"budgetPercent": 100}}}""");
        int retried = 0;
        for (int i = 0; i < 20 && retried < 2; i++) {
            double before = metrics.retry.count();
            long start = System.nanoTime();
            assertThat(call.call("p" + i)).isEqualTo(reply.apply("p" + i));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (metrics.retry.count() > before) {
                assertThat(took).as("a retried call waits the back-off").isGreaterThanOrEqualTo(Duration.ofMillis(300));
                retried++;
            }
        }
        assertThat(retried).as("calls retried after the back-off").isPositive();

        applyRule.accept(
                """
                {"requestTimeoutMillis": 200,
                 "retry": {"attempts": 1, "retryOn": ["connect-failure"], "backoffMillis": 1000}}""");
        double retriesBefore = metrics.retry.count();
        int cut = 0;
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            String answer = call.call("d" + i);
            if (!answer.equals(reply.apply("d" + i))) {
                assertThat(answer).contains("cannot connect");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
                cut++;
            }
        }
        assertThat(cut).as("calls that met the dead endpoint").isPositive();
        assertThat(metrics.retry.count()).isEqualTo(retriesBefore);
    }
}
