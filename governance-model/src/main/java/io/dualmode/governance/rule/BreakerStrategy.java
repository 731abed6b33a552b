package io.dualmode.governance.rule;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a circuit breaker measures. */
public enum BreakerStrategy {
    /** The share of calls that failed. */
    ERROR_RATIO("error-ratio"),
    /** The share of calls slower than {@code slowCallMillis}. */
    SLOW_CALL_RATIO("slow-call-ratio"),
    /** The number of failed calls. */
    ERROR_COUNT("error-count");

    private final String id;

    BreakerStrategy(String id) {
        this.id = id;
    }

    /** The identifier on the wire. */
    @JsonValue
    public String id() {
        return id;
    }
}
