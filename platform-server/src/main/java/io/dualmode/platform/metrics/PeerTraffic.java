package io.dualmode.platform.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.platform.config.PlatformProperties;
import io.dualmode.platform.storage.DatabaseSync;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Shares the sidecars' load reports between the platform instances on one database, so each instance's traffic
 * metrics (the API, the console, and the migration engine's judgement of moved instances) cover every sidecar, not
 * only those whose stream it holds. Every {@code dualmode.sync-interval} this instance writes the reports it took
 * since the last round as one {@code traffic_batch} row, and applies the other instances' batches it has not applied
 * yet to its {@link SidecarTraffic}. A report reaches the other instances a sync interval or two after it arrived.
 */
@Component
final class PeerTraffic implements SmartInitializingSingleton, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PeerTraffic.class);
    private static final TypeReference<List<SidecarTraffic.Received>> BATCH = new TypeReference<>() {};

    /** How far back (by the writers' clocks) batches are looked for; covers clock skew and slow rounds. */
    static final long LOOK_BACK_MILLIS = 60_000;

    /** How long batches are kept. */
    static final long KEEP_MILLIS = 3 * LOOK_BACK_MILLIS;

    private final String instance = UUID.randomUUID().toString();
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final SidecarTraffic traffic;
    private final Duration interval;
    private final Clock clock = Clock.systemUTC();
    /** The last batch applied, by the instance that wrote it. */
    private final Map<String, Long> applied = new HashMap<>();

    private long seq;
    private long lastPurge;
    private DatabaseSync sync;

    PeerTraffic(JdbcClient jdbc, ObjectMapper json, SidecarTraffic traffic, PlatformProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.traffic = traffic;
        this.interval = properties.syncInterval();
    }

    @Override
    public void afterSingletonsInstantiated() {
        traffic.share();
        sync = DatabaseSync.every(
                interval,
                "platform-traffic-sync",
                this::syncOnce,
                log,
                "PLATFORM-0803 metrics: cannot share traffic reports through the database; other platform instances"
                        + " miss this instance's sidecars' traffic (and this one theirs) until it works again",
                "metrics: sharing traffic reports through the database works again");
    }

    @Override
    public void destroy() {
        if (sync != null) {
            sync.close();
        }
    }

    /** Writes this instance's new reports as one batch, applies the other instances' new batches. */
    void syncOnce() {
        long now = clock.millis();
        List<SidecarTraffic.Received> mine = traffic.drainShared();
        if (!mine.isEmpty()) {
            jdbc.sql("INSERT INTO traffic_batch (platform_instance, seq, created_at, reports_doc) VALUES (?, ?, ?, ?)")
                    .params(instance, seq + 1, now, write(mine))
                    .update();
            seq++;
        }
        List<Map.Entry<String, Long>> fresh = jdbc
                .sql("SELECT platform_instance, seq FROM traffic_batch"
                        + " WHERE platform_instance <> ? AND created_at >= ? ORDER BY created_at, seq")
                .params(instance, now - LOOK_BACK_MILLIS)
                .query((rs, n) -> Map.entry(rs.getString("platform_instance"), rs.getLong("seq")))
                .list()
                .stream()
                .filter(e -> e.getValue() > applied.getOrDefault(e.getKey(), 0L))
                .toList();
        for (Map.Entry<String, Long> batch : fresh) {
            jdbc.sql("SELECT reports_doc FROM traffic_batch WHERE platform_instance = ? AND seq = ?")
                    .params(batch.getKey(), batch.getValue())
                    .query((rs, n) -> rs.getString("reports_doc"))
                    .optional()
                    .map(this::read)
                    .ifPresent(reports -> reports.forEach(traffic::replay));
            applied.merge(batch.getKey(), batch.getValue(), Math::max);
        }
        if (now - lastPurge > LOOK_BACK_MILLIS) {
            jdbc.sql("DELETE FROM traffic_batch WHERE created_at < ?")
                    .param(now - KEEP_MILLIS)
                    .update();
            lastPurge = now;
        }
    }

    private String write(List<SidecarTraffic.Received> reports) {
        try {
            return json.writeValueAsString(reports);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("load reports are always serialisable", e);
        }
    }

    /** The reports in {@code doc}; none (and a debug line) when another version wrote what this one cannot read. */
    private List<SidecarTraffic.Received> read(String doc) {
        try {
            return json.readValue(doc, BATCH);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            log.debug("metrics: a traffic batch of another platform instance cannot be read: {}", e.toString());
            return List.of();
        }
    }
}
