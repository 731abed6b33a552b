package io.dualmode.platform.storage;

import java.sql.DatabaseMetaData;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.stereotype.Component;

/**
 * Gives the one schema its per-database column type for documents: {@code CLOB} on H2, {@code TEXT} on PostgreSQL,
 * {@code MEDIUMTEXT} on MySQL and MariaDB (whose {@code TEXT} stops at 64 KiB).
 */
@Component
final class SchemaPlaceholders implements FlywayConfigurationCustomizer {

    private final DataSource dataSource;

    SchemaPlaceholders(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void customize(org.flywaydb.core.api.configuration.FluentConfiguration configuration) {
        configuration.placeholders(Map.of("document_type", documentType(productName())));
    }

    static String documentType(String product) {
        String p = product.toLowerCase(Locale.ROOT);
        if (p.contains("mysql") || p.contains("mariadb")) {
            return "MEDIUMTEXT";
        }
        return p.contains("h2") ? "CLOB" : "TEXT";
    }

    private String productName() {
        try {
            return JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
        } catch (MetaDataAccessException e) {
            throw new IllegalStateException("cannot read the database's product name", e);
        }
    }
}
