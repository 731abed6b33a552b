package io.dualmode.sidecar.internal.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BurstBucketTest {

    @Test
    void aFullBucketPassesTheRatePlusTheBurstAtOnceThenRefillsAtTheRate() {
        BurstBucket bucket = new BurstBucket(2, 3);
        int passed = 0;
        for (int i = 0; i < 20; i++) {
            passed += bucket.tryAcquire() ? 1 : 0;
        }
        assertThat(passed).as("2 + 3 at once, at most one refilled meanwhile").isBetween(5, 6);
        await().atMost(Duration.ofSeconds(5)).until(bucket::tryAcquire);
    }

    @Test
    void aFractionalRateStillRefills() {
        BurstBucket bucket = new BurstBucket(4.5, 0);
        while (bucket.tryAcquire()) {
            // drain
        }
        await().atMost(Duration.ofSeconds(5)).until(bucket::tryAcquire);
    }
}
