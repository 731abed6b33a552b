package io.dualmode.platform.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Plans in the {@code migration_plan} table, each read with its row version and written only against it. */
@Component
final class MigrationRepository {

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    MigrationRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A plan as read, with the row version a write must name. */
    record Stored(MigrationPlan plan, long rowVersion) {}

    void insert(MigrationPlan plan) {
        jdbc.sql("INSERT INTO migration_plan (id, plan_state, document, row_version, lease_owner, lease_until,"
                        + " created_at, updated_at) VALUES (?, ?, ?, 1, NULL, 0, ?, ?)")
                .params(plan.id, plan.state, write(plan), plan.createdAt, plan.updatedAt)
                .update();
    }

    Optional<Stored> find(String id) {
        return jdbc.sql("SELECT document, row_version FROM migration_plan WHERE id = ?")
                .param(id)
                .query((rs, n) -> new Stored(read(rs.getString("document")), rs.getLong("row_version")))
                .optional();
    }

    /** Every plan, newest first (at most {@code limit}). */
    List<MigrationPlan> list(int limit) {
        return jdbc.sql("SELECT document FROM migration_plan ORDER BY created_at DESC, id DESC LIMIT " + limit)
                .query((rs, n) -> read(rs.getString("document")))
                .list();
    }

    /** The plans that hold their instances. */
    List<Stored> active() {
        return jdbc.sql("SELECT document, row_version FROM migration_plan WHERE plan_state IN (?, ?, ?, ?)")
                .params(MigrationPlan.ACTIVE)
                .query((rs, n) -> new Stored(read(rs.getString("document")), rs.getLong("row_version")))
                .list();
    }

    /** Writes {@code plan} if its row is still at {@code rowVersion}; false when someone wrote it since. */
    boolean save(MigrationPlan plan, long rowVersion) {
        return jdbc.sql("UPDATE migration_plan SET plan_state = ?, document = ?, row_version = ?, updated_at = ?"
                                + " WHERE id = ? AND row_version = ?")
                        .params(plan.state, write(plan), rowVersion + 1, plan.updatedAt, plan.id, rowVersion)
                        .update()
                == 1;
    }

    /**
     * Takes or extends the lease on plan {@code id} for {@code owner} until {@code until} if it is free, expired at
     * {@code now}, or already {@code owner}'s; false when another instance holds it.
     */
    boolean lease(String id, String owner, long now, long until) {
        return jdbc.sql("UPDATE migration_plan SET lease_owner = ?, lease_until = ?"
                                + " WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)")
                        .params(owner, until, id, owner, now)
                        .update()
                == 1;
    }

    private String write(MigrationPlan plan) {
        try {
            return json.writeValueAsString(plan);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a plan is always serialisable", e);
        }
    }

    private MigrationPlan read(String document) {
        try {
            return json.readValue(document, MigrationPlan.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored plan documents are written by this class", e);
        }
    }
}
