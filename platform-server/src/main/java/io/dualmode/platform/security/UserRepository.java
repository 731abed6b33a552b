package io.dualmode.platform.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The user table. */
@Component
final class UserRepository {

    private final JdbcClient jdbc;

    UserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<UserAccount> find(String username) {
        return jdbc.sql("SELECT * FROM platform_user WHERE username = ?")
                .param(username)
                .query(UserRepository::row)
                .optional();
    }

    List<UserAccount> all() {
        return jdbc.sql("SELECT * FROM platform_user ORDER BY username")
                .query(UserRepository::row)
                .list();
    }

    long count() {
        return jdbc.sql("SELECT COUNT(*) FROM platform_user").query(Long.class).single();
    }

    long countAdmins() {
        return jdbc.sql("SELECT COUNT(*) FROM platform_user WHERE user_role = 'ADMIN'")
                .query(Long.class)
                .single();
    }

    /** Inserts a user; fails with a duplicate key when the name is taken. */
    void insert(UserAccount user) {
        jdbc.sql("INSERT INTO platform_user (username, password_hash, user_role, created_at, row_version)"
                        + " VALUES (?, ?, ?, ?, ?)")
                .params(
                        user.username(),
                        user.passwordHash(),
                        user.role().name(),
                        user.createdAt().toEpochMilli(),
                        user.version())
                .update();
    }

    /** Replaces a user's hash and role if it is still at {@code expectedVersion}. */
    boolean update(UserAccount user, long expectedVersion) {
        return jdbc.sql("UPDATE platform_user SET password_hash = ?, user_role = ?, row_version = ?"
                                + " WHERE username = ? AND row_version = ?")
                        .params(
                                user.passwordHash(),
                                user.role().name(),
                                user.version(),
                                user.username(),
                                expectedVersion)
                        .update()
                == 1;
    }

    boolean delete(String username) {
        return jdbc.sql("DELETE FROM platform_user WHERE username = ?")
                        .param(username)
                        .update()
                == 1;
    }

    private static UserAccount row(ResultSet rs, int row) throws SQLException {
        return new UserAccount(
                rs.getString("username"),
                rs.getString("password_hash"),
                Role.valueOf(rs.getString("user_role")),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                rs.getLong("row_version"));
    }
}
