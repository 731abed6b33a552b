package io.dualmode.platform.rules;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The rule tables: the current version of each rule, and every version ever written. */
@Component
final class RuleRepository {

    private static final String CURRENT = "SELECT kind, service_name, rule_version, deleted, document,"
            + " 'current' AS change_kind, updated_at AS at_millis, updated_by AS by_actor FROM gov_rule";
    private static final String VERSIONS = "SELECT kind, service_name, rule_version, deleted, document, change_kind,"
            + " created_at AS at_millis, created_by AS by_actor FROM gov_rule_version";

    private final JdbcClient jdbc;

    RuleRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<StoredRule> current(String kind, String service) {
        return jdbc.sql(CURRENT + " WHERE kind = ? AND service_name = ?")
                .params(kind, service)
                .query(RuleRepository::row)
                .optional();
    }

    List<StoredRule> currentRules(String kind, String service) {
        StringBuilder sql = new StringBuilder(CURRENT + " WHERE deleted = 0");
        List<Object> params = new ArrayList<>();
        if (kind != null) {
            sql.append(" AND kind = ?");
            params.add(kind);
        }
        if (service != null) {
            sql.append(" AND service_name = ?");
            params.add(service);
        }
        sql.append(" ORDER BY kind, service_name");
        return jdbc.sql(sql.toString())
                .params(params)
                .query(RuleRepository::row)
                .list();
    }

    List<StoredRule> versions(String kind, String service) {
        return jdbc.sql(VERSIONS + " WHERE kind = ? AND service_name = ? ORDER BY rule_version DESC")
                .params(kind, service)
                .query(RuleRepository::row)
                .list();
    }

    Optional<StoredRule> version(String kind, String service, long version) {
        return jdbc.sql(VERSIONS + " WHERE kind = ? AND service_name = ? AND rule_version = ?")
                .params(kind, service, version)
                .query(RuleRepository::row)
                .optional();
    }

    /** Inserts the first version of a rule; a concurrent insert makes this fail with a duplicate key. */
    void insert(StoredRule rule) {
        jdbc.sql("INSERT INTO gov_rule (kind, service_name, rule_version, document, deleted, updated_at, updated_by)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(
                        rule.kind(),
                        rule.service(),
                        rule.version(),
                        rule.document(),
                        flag(rule.deleted()),
                        rule.at().toEpochMilli(),
                        rule.by())
                .update();
    }

    /** Moves a rule from {@code expectedVersion} to {@code rule}'s version; false when it is no longer there. */
    boolean update(StoredRule rule, long expectedVersion) {
        return jdbc.sql("UPDATE gov_rule SET rule_version = ?, document = ?, deleted = ?, updated_at = ?,"
                                + " updated_by = ? WHERE kind = ? AND service_name = ? AND rule_version = ?")
                        .params(
                                rule.version(),
                                rule.document(),
                                flag(rule.deleted()),
                                rule.at().toEpochMilli(),
                                rule.by(),
                                rule.kind(),
                                rule.service(),
                                expectedVersion)
                        .update()
                == 1;
    }

    void insertVersion(StoredRule rule) {
        jdbc.sql("INSERT INTO gov_rule_version (kind, service_name, rule_version, document, deleted, change_kind,"
                        + " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        rule.kind(),
                        rule.service(),
                        rule.version(),
                        rule.document(),
                        flag(rule.deleted()),
                        rule.changeKind(),
                        rule.at().toEpochMilli(),
                        rule.by())
                .update();
    }

    /** Counts one more rule change; in the change's transaction, so it commits (and rolls back) with it. */
    void bumpRevision() {
        jdbc.sql("UPDATE platform_revision SET revision = revision + 1 WHERE name = 'rules'")
                .update();
    }

    /** How many rule changes were committed so far, by any platform instance sharing the database. */
    long revision() {
        return jdbc.sql("SELECT revision FROM platform_revision WHERE name = 'rules'")
                .query(Long.class)
                .single();
    }

    /** The current version of every rule ever written, deleted ones included, by {@code kind/service}. */
    Map<String, Long> currentVersions() {
        Map<String, Long> out = new HashMap<>();
        jdbc.sql("SELECT kind, service_name, rule_version FROM gov_rule").query(rs -> {
            out.put(rs.getString("kind") + "/" + rs.getString("service_name"), rs.getLong("rule_version"));
        });
        return out;
    }

    private static int flag(boolean value) {
        return value ? 1 : 0;
    }

    private static StoredRule row(ResultSet rs, int row) throws SQLException {
        return new StoredRule(
                rs.getString("kind"),
                rs.getString("service_name"),
                rs.getLong("rule_version"),
                rs.getInt("deleted") != 0,
                rs.getString("document"),
                rs.getString("change_kind"),
                Instant.ofEpochMilli(rs.getLong("at_millis")),
                rs.getString("by_actor"));
    }
}
