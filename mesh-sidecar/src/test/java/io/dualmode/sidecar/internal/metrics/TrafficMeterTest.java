package io.dualmode.sidecar.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.governance.push.LoadReport;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TrafficMeterTest {

    @Test
    void countsACallInTheBucketOfItsElapsedTimeAndItsErrorApart() {
        TrafficMeter meter = new TrafficMeter(LoadReport.EGRESS, "orders", null);
        List<Long> bounds = LoadReport.BUCKET_BOUNDS_MILLIS;
        long millis = bounds.get(1) + 1; // above the second bound, within the third
        meter.recordElapsed(false, TimeUnit.MILLISECONDS.toNanos(millis));
        meter.recordElapsed(true, TimeUnit.MILLISECONDS.toNanos(bounds.get(bounds.size() - 1) + 1));
        meter.recordElapsed(false, 0);

        long[] counts = new long[2 + LoadReport.BUCKETS];
        meter.copyTo(counts);
        assertThat(counts[0]).as("errors").isEqualTo(1);
        assertThat(counts[1]).as("requests").isEqualTo(3);
        assertThat(counts[2]).as("the first bucket").isEqualTo(1);
        assertThat(counts[2 + 2]).as("the third bucket").isEqualTo(1);
        assertThat(counts[2 + LoadReport.BUCKETS - 1])
                .as("the last, unbounded bucket")
                .isEqualTo(1);
    }

    @Test
    void aCallRecordedFromItsStartTakesTheClockItself() {
        TrafficMeter meter = new TrafficMeter(LoadReport.INGRESS, "orders", null);
        meter.record(false, System.nanoTime() - TimeUnit.DAYS.toNanos(1));

        long[] counts = new long[2 + LoadReport.BUCKETS];
        meter.copyTo(counts);
        assertThat(counts[1]).isEqualTo(1);
        assertThat(counts[2 + LoadReport.BUCKETS - 1])
                .as("a day is past every bound")
                .isEqualTo(1);
    }
}
