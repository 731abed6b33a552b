package io.dualmode.platform.migration;

import io.dualmode.governance.push.ModeDirective;
import io.dualmode.platform.audit.AuditLog;
import io.dualmode.platform.push.PushHub;
import io.dualmode.platform.push.SidecarStatus;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The mode each sidecar should run, kept in the database so it survives restarts and reaches sidecars connected to
 * any platform instance sharing it. A change is written (and audited) in one transaction, then handed to the {@link
 * PushHub}; every second each instance reloads the table, pushes what changed to its own streams, and writes back
 * the modes its sidecars report, so a plan driven by another instance sees them too. All methods block: call them
 * off the event loops.
 */
@Component
public final class InstanceModes implements SmartInitializingSingleton, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(InstanceModes.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final AuditLog audit;
    private final PushHub push;
    private final Clock clock = Clock.systemUTC();
    private ScheduledExecutorService sync;

    InstanceModes(JdbcClient jdbc, TransactionTemplate transactions, AuditLog audit, PushHub push) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.audit = audit;
        this.push = push;
    }

    /** One row: what is wanted and what was last reported. */
    public record Row(String nodeId, String desiredMode, long version, String reportedMode, long reportedVersion) {

        /** Whether the sidecar reported running the desired mode at (or after) the desired version. */
        public boolean applied() {
            return desiredMode.equals(reportedMode) && reportedVersion >= version;
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        syncOnce();
        sync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "platform-instance-modes");
            t.setDaemon(true);
            return t;
        });
        sync.scheduleWithFixedDelay(this::syncQuietly, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void destroy() {
        if (sync != null) {
            sync.shutdownNow();
        }
    }

    /**
     * Sets the mode sidecar {@code nodeId} should run, audited as {@code actor}'s; returns the directive sent. Setting
     * the mode it already should run sends nothing new and returns the current directive.
     */
    public ModeDirective set(String nodeId, String mode, String actor, String why) {
        ModeDirective directive = transactions.execute(status -> {
            Row before = row(nodeId);
            if (before != null && before.desiredMode().equals(mode)) {
                return new ModeDirective(before.desiredMode(), before.version());
            }
            long now = clock.millis();
            long version = before == null ? 1 : before.version() + 1;
            if (before == null) {
                jdbc.sql("INSERT INTO instance_mode (node_id, desired_mode, mode_version, updated_at, updated_by,"
                                + " reported_mode, reported_version, reported_at) VALUES (?, ?, ?, ?, ?, NULL, 0, 0)")
                        .params(nodeId, mode, version, now, actor)
                        .update();
            } else {
                jdbc.sql("UPDATE instance_mode SET desired_mode = ?, mode_version = ?, updated_at = ?, updated_by = ?"
                                + " WHERE node_id = ?")
                        .params(mode, version, now, actor, nodeId)
                        .update();
            }
            audit.record(
                    actor,
                    "instance.mode",
                    "instance/" + nodeId,
                    before == null ? null : "{\"mode\":\"" + before.desiredMode() + "\"}",
                    "{\"mode\":\"" + mode + "\"}",
                    why);
            return new ModeDirective(mode, version);
        });
        push.desire(nodeId, directive);
        return directive;
    }

    /** The row of sidecar {@code nodeId}, or null when its mode was never set. */
    public Row row(String nodeId) {
        return jdbc.sql("SELECT * FROM instance_mode WHERE node_id = ?")
                .param(nodeId)
                .query(InstanceModes::row)
                .optional()
                .orElse(null);
    }

    /**
     * Whether sidecar {@code nodeId} runs {@code mode} by directive {@code version} or a later one: from its stream
     * when it is connected here, else from what the instance it is connected to last wrote.
     */
    public boolean applied(String nodeId, String mode, long version) {
        SidecarStatus s = push.status(nodeId);
        if (s != null) {
            return mode.equals(s.mode()) && s.appliedModeVersion() >= version;
        }
        Row r = row(nodeId);
        return r != null && mode.equals(r.reportedMode()) && r.reportedVersion() >= version;
    }

    /**
     * The addresses ({@code ip:port}) sidecar {@code nodeId} reports for the instances behind it (their own addresses
     * and its ingress listeners), whichever platform instance holds its stream; empty when it is not connected.
     */
    public Set<String> addresses(String nodeId) {
        Set<String> out = new LinkedHashSet<>();
        for (SidecarStatus s : push.statuses()) {
            if (s.nodeId().equals(nodeId)) {
                out.addAll(s.instanceAddresses());
            }
        }
        return out;
    }

    /** Why sidecar {@code nodeId} could not apply its last directive, when it reports a reason; else null. */
    public String failure(String nodeId) {
        SidecarStatus s = push.status(nodeId);
        return s == null ? null : s.node().get(ModeDirective.MODE_ERROR_FACT);
    }

    private void syncQuietly() {
        try {
            syncOnce();
        } catch (RuntimeException e) {
            log.warn("instance modes: could not sync with the database: {}", e.toString());
        }
    }

    /** Pushes desired modes changed by any instance; records the modes this instance's sidecars report. */
    void syncOnce() {
        List<Row> rows = jdbc.sql("SELECT * FROM instance_mode")
                .query(InstanceModes::row)
                .list();
        for (Row r : rows) {
            push.desire(r.nodeId(), new ModeDirective(r.desiredMode(), r.version()));
            SidecarStatus s = push.status(r.nodeId());
            if (s == null || s.mode() == null) {
                continue;
            }
            long applied = s.appliedModeVersion();
            if (!s.mode().equals(r.reportedMode()) || applied != r.reportedVersion()) {
                jdbc.sql("UPDATE instance_mode SET reported_mode = ?, reported_version = ?, reported_at = ?"
                                + " WHERE node_id = ?")
                        .params(s.mode(), applied, clock.millis(), r.nodeId())
                        .update();
            }
        }
    }

    private static Row row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Row(
                rs.getString("node_id"),
                rs.getString("desired_mode"),
                rs.getLong("mode_version"),
                rs.getString("reported_mode"),
                rs.getLong("reported_version"));
    }
}
