package io.dualmode.platform.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.platform.config.PlatformProperties;
import io.dualmode.platform.storage.DatabaseSync;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Shares sidecar statuses between the platform instances on one database. Every {@code dualmode.sync-interval} this
 * instance writes the statuses of its own sidecars that changed to {@code sidecar_status}, heartbeats its rows,
 * deletes those of sidecars that left, and reads the other instances' fresh rows into the {@link PushHub}, so every
 * instance's API shows every sidecar. A status from another instance is at most a few intervals old; rows of an
 * instance that stopped heartbeating are ignored after {@link #staleAfter()} and deleted later.
 */
@Component
final class PeerStatuses implements SmartInitializingSingleton, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PeerStatuses.class);

    private final String instance = UUID.randomUUID().toString();
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final PushHub hub;
    private final long intervalMillis;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, String> written = new HashMap<>();
    private DatabaseSync sync;

    PeerStatuses(JdbcClient jdbc, ObjectMapper json, PushHub hub, PlatformProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.hub = hub;
        this.intervalMillis = properties.syncInterval().toMillis();
    }

    @Override
    public void afterSingletonsInstantiated() {
        sync = DatabaseSync.every(
                Duration.ofMillis(intervalMillis),
                "platform-sidecar-status-sync",
                this::syncOnce,
                log,
                "PLATFORM-0802 push: cannot share sidecar statuses through the database; other platform instances do"
                        + " not show this instance's sidecars until it works again",
                "push: sharing sidecar statuses through the database works again");
    }

    @Override
    public void destroy() {
        if (sync == null) {
            return;
        }
        try {
            if (sync.stop(Duration.ofSeconds(5))) {
                jdbc.sql("DELETE FROM sidecar_status WHERE platform_instance = ?")
                        .param(instance)
                        .update();
            }
        } catch (RuntimeException e) {
            log.debug("push: could not delete this instance's sidecar statuses: {}", e.toString());
        }
    }

    /** How old another instance's heartbeat may be before its sidecars are no longer shown. */
    long staleAfter() {
        return Math.max(3_000, 5 * intervalMillis);
    }

    /** Publishes this instance's sidecars, reads the others'. */
    void syncOnce() {
        long now = clock.millis();
        publish(hub.localStatuses(), now);
        Map<String, SidecarStatus> peers = new HashMap<>();
        jdbc
                .sql("SELECT status_doc FROM sidecar_status WHERE platform_instance <> ? AND seen_at >= ?")
                .params(instance, now - staleAfter())
                .query((rs, n) -> read(rs.getString("status_doc")))
                .list()
                .stream()
                .filter(java.util.Objects::nonNull)
                .forEach(s -> peers.merge(s.nodeId(), s, PeerStatuses::later));
        hub.peers(peers);
        jdbc.sql("DELETE FROM sidecar_status WHERE seen_at < ?")
                .param(now - 10 * staleAfter())
                .update();
    }

    private void publish(List<SidecarStatus> local, long now) {
        Set<String> gone = new HashSet<>(written.keySet());
        for (SidecarStatus s : local) {
            gone.remove(s.nodeId());
            String doc = write(s);
            if (doc.equals(written.get(s.nodeId()))) {
                continue;
            }
            int updated = jdbc.sql("UPDATE sidecar_status SET status_doc = ?, seen_at = ?"
                            + " WHERE platform_instance = ? AND node_id = ?")
                    .params(doc, now, instance, s.nodeId())
                    .update();
            if (updated == 0) {
                jdbc.sql("INSERT INTO sidecar_status (platform_instance, node_id, status_doc, seen_at)"
                                + " VALUES (?, ?, ?, ?)")
                        .params(instance, s.nodeId(), doc, now)
                        .update();
            }
            written.put(s.nodeId(), doc);
        }
        for (String nodeId : gone) {
            jdbc.sql("DELETE FROM sidecar_status WHERE platform_instance = ? AND node_id = ?")
                    .params(instance, nodeId)
                    .update();
            written.remove(nodeId);
        }
        int beating = jdbc.sql("UPDATE sidecar_status SET seen_at = ? WHERE platform_instance = ?")
                .params(now, instance)
                .update();
        if (beating < written.size()) {
            // rows deleted by another instance while this one could not reach the database: write them again
            written.clear();
        }
    }

    private static SidecarStatus later(SidecarStatus a, SidecarStatus b) {
        return b.connectedAt().isAfter(a.connectedAt()) ? b : a;
    }

    private String write(SidecarStatus status) {
        try {
            return json.writeValueAsString(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a sidecar status is always serialisable", e);
        }
    }

    /** The status in {@code doc}, or null (and a debug line) when a newer or older version wrote what this cannot read. */
    private SidecarStatus read(String doc) {
        try {
            return json.readValue(doc, SidecarStatus.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            log.debug("push: a sidecar status of another platform instance cannot be read: {}", e.toString());
            return null;
        }
    }
}
