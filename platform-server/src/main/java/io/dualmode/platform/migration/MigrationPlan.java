package io.dualmode.platform.migration;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A gray migration plan and its progress, stored whole as one JSON document. Only the {@link MigrationEngine} and
 * the operator actions change it, always through {@link MigrationRepository#save} with the row version read.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class MigrationPlan {

    /** Plan states, in the JSON as lower case. */
    public static final String PENDING = "pending";

    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String COMPLETED = "completed";
    public static final String ROLLING_BACK = "rolling_back";
    public static final String ROLLED_BACK = "rolled_back";
    public static final String FAILED = "failed";

    /** States in which the plan holds its instances: no one else may switch them. */
    public static final List<String> ACTIVE = List.of(PENDING, RUNNING, PAUSED, ROLLING_BACK);

    public String id;
    public String name;
    public String service;
    public String namespace;
    public String group;
    public String targetMode;
    public Selector selector;
    public int batchSize;
    public int pauseSeconds;
    public Thresholds thresholds;
    public String onBreach;
    public String state;
    public String reason;
    public int currentBatch = -1;
    public List<Batch> batches = new ArrayList<>();
    public List<Event> events = new ArrayList<>();
    public String createdBy;
    public long createdAt;
    public long updatedAt;
    /** When the current phase (switching, observing, rolling back) began, epoch milliseconds. */
    public long phaseSince;

    /** Which instances the plan moves: exactly one of the three. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Selector(List<String> instances, Map<String, String> labels, Integer percentage) {}

    /**
     * When the moved instances' traffic is bad enough to stop: a rate of failed calls above {@code maxErrorRate}
     * (0..1), or a p99 latency above {@code maxP99Millis}, judged only once {@code minRequests} calls were seen.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Thresholds(Double maxErrorRate, Double maxP99Millis, Integer minRequests) {}

    /** One batch: instances switched together, then watched for the pause. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class Batch {
        public static final String PENDING = "pending";
        public static final String SWITCHING = "switching";
        public static final String OBSERVING = "observing";
        public static final String DONE = "done";
        public static final String ROLLED_BACK = "rolled_back";

        public int index;
        public String state = PENDING;
        public List<Instance> instances = new ArrayList<>();
        public Long startedAt;
        public Long finishedAt;
    }

    /** One instance of a batch and the directive that moves it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class Instance {
        public static final String PENDING = "pending";
        public static final String SWITCHING = "switching";
        public static final String SWITCHED = "switched";
        public static final String FAILED = "failed";
        public static final String ROLLING_BACK = "rolling_back";
        public static final String ROLLED_BACK = "rolled_back";

        public String address;
        public String nodeId;
        public String fromMode;
        public String state = PENDING;
        /** The version of the mode directive last sent for this instance, 0 before any. */
        public long directiveVersion;
    }

    /** Something that happened to the plan, shown in its timeline. */
    public record Event(long at, String message) {}

    /** Adds an event to the timeline (the newest 200 are kept). */
    void event(long at, String message) {
        events.add(new Event(at, message));
        if (events.size() > 200) {
            events.remove(0);
        }
    }

    /** Whether the plan still holds its instances. */
    boolean active() {
        return ACTIVE.contains(state);
    }

    /** Every instance of every batch. */
    List<Instance> instances() {
        List<Instance> out = new ArrayList<>();
        batches.forEach(b -> out.addAll(b.instances));
        return out;
    }
}
