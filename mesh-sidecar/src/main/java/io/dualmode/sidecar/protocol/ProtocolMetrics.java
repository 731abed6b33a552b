package io.dualmode.sidecar.protocol;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Every meter of the protocol codecs, resolved once per protocol (or detection handler) and listener.
 *
 * <p>Families: {@code sidecar.protocol.frame.*} for frames read, {@code sidecar.protocol.detect.*} for first
 * bytes no plug-in recognised. All carry the tag {@code protocol}.
 */
public final class ProtocolMetrics {

    /** Reason tag of frames cut short by the connection closing. */
    static final String TRUNCATED = "truncated";

    private final Counter decoded;
    private final Counter truncated;
    private final Counter unrecognised;
    private final Map<ProtocolDecoderException.Reason, Counter> rejected =
            new EnumMap<>(ProtocolDecoderException.Reason.class);

    /**
     * Registers the meters of one protocol.
     *
     * @param protocol the value of the {@code protocol} tag: a plug-in name, or the list a detector chooses from
     */
    public ProtocolMetrics(MeterRegistry registry, String protocol) {
        decoded = counter("sidecar.protocol.frame.decoded", protocol).register(registry);
        truncated = rejectedCounter(registry, protocol, TRUNCATED);
        unrecognised = counter("sidecar.protocol.detect.unrecognised", protocol).register(registry);
        for (ProtocolDecoderException.Reason reason : ProtocolDecoderException.Reason.values()) {
            rejected.put(
                    reason, rejectedCounter(registry, protocol, reason.name().toLowerCase()));
        }
    }

    /** Meters that go nowhere, for tests and tools. */
    public static ProtocolMetrics noop(String protocol) {
        return new ProtocolMetrics(new CompositeMeterRegistry(), protocol);
    }

    private static Counter.Builder counter(String name, String protocol) {
        return Counter.builder(name).tag("protocol", protocol);
    }

    private static Counter rejectedCounter(MeterRegistry registry, String protocol, String reason) {
        return counter("sidecar.protocol.frame.rejected", protocol)
                .tag("reason", reason)
                .description("Frames refused as invalid; the connection was closed")
                .register(registry);
    }

    void frameDecoded() {
        decoded.increment();
    }

    void frameRejected(ProtocolDecoderException.Reason reason) {
        rejected.get(reason).increment();
    }

    void frameTruncated() {
        truncated.increment();
    }

    void unrecognised() {
        unrecognised.increment();
    }
}
