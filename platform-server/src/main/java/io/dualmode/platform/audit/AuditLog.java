package io.dualmode.platform.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Writes and reads audit entries. {@link #record} joins the caller's transaction. */
@Component
public final class AuditLog {

    private final JdbcClient jdbc;
    private final Clock clock;

    AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.clock = Clock.systemUTC();
    }

    /** Records a change; call it inside the transaction that makes the change. */
    public AuditEntry record(String actor, String action, String resource, String before, String after, String detail) {
        AuditEntry entry = new AuditEntry(
                UUID.randomUUID().toString(), Instant.now(clock), actor, action, resource, before, after, detail);
        jdbc.sql("INSERT INTO audit_entry (id, at_millis, actor, action_name, resource_name, before_doc, after_doc,"
                        + " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(entry.id(), entry.at().toEpochMilli(), actor, action, resource, before, after, truncate(detail))
                .update();
        return entry;
    }

    /** The entries matching the query, newest first. */
    public List<AuditEntry> find(AuditQuery query) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_entry WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        condition(sql, params, " AND actor = ?", query.actor());
        condition(sql, params, " AND action_name = ?", query.action());
        if (query.resource() != null && query.resource().endsWith("*")) {
            condition(sql, params, " AND resource_name LIKE ?", likePrefix(query.resource()));
        } else {
            condition(sql, params, " AND resource_name = ?", query.resource());
        }
        condition(
                sql,
                params,
                " AND at_millis >= ?",
                query.from() == null ? null : query.from().toEpochMilli());
        condition(
                sql,
                params,
                " AND at_millis < ?",
                query.to() == null ? null : query.to().toEpochMilli());
        sql.append(" ORDER BY at_millis DESC, id DESC LIMIT ").append(Math.max(1, query.limit()));
        return jdbc.sql(sql.toString()).params(params).query(AuditLog::entry).list();
    }

    private static void condition(StringBuilder sql, List<Object> params, String clause, Object value) {
        if (value != null) {
            sql.append(clause);
            params.add(value);
        }
    }

    private static String likePrefix(String resource) {
        String prefix = resource.substring(0, resource.length() - 1);
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static AuditEntry entry(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new AuditEntry(
                rs.getString("id"),
                Instant.ofEpochMilli(rs.getLong("at_millis")),
                rs.getString("actor"),
                rs.getString("action_name"),
                rs.getString("resource_name"),
                rs.getString("before_doc"),
                rs.getString("after_doc"),
                rs.getString("detail"));
    }

    private static String truncate(String detail) {
        return detail == null || detail.length() <= 1024 ? detail : detail.substring(0, 1021) + "...";
    }
}
