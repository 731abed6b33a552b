package io.dualmode.platform.storage;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * Tells the connection pool to drop a connection whose database went away even when the driver does not say so with
 * a connection-class SQL state ({@code 08...}, which the pool already understands): H2 reports a server that stopped
 * or restarted as "connection broken" (90067) or "database closed" (90121, 90098) with SQL states of its own, and
 * such connections would otherwise stay in the pool and fail every later request after the database is back.
 * Configured in {@code application.yml} ({@code spring.datasource.hikari.exception-override-class-name}).
 */
public final class BrokenConnections implements SQLExceptionOverride {

    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException e) {
        return switch (e.getErrorCode()) {
            case 90067, 90098, 90121 -> SQLExceptionOverride.Override.MUST_EVICT;
            default -> SQLExceptionOverride.Override.CONTINUE_EVICT;
        };
    }
}
