-- One schema for H2, PostgreSQL and MySQL/MariaDB: portable types only, times as epoch milliseconds,
-- ${document_type} set per database by SchemaPlaceholders.

-- The current state of each rule: one row per (kind, service), kept after deletion so versions continue.
CREATE TABLE gov_rule (
    kind VARCHAR(32) NOT NULL,
    service_name VARCHAR(255) NOT NULL,
    rule_version BIGINT NOT NULL,
    document ${document_type},
    deleted SMALLINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by VARCHAR(128) NOT NULL,
    PRIMARY KEY (kind, service_name)
);

-- Every version of every rule, never changed once written.
CREATE TABLE gov_rule_version (
    kind VARCHAR(32) NOT NULL,
    service_name VARCHAR(255) NOT NULL,
    rule_version BIGINT NOT NULL,
    document ${document_type},
    deleted SMALLINT NOT NULL,
    change_kind VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    created_by VARCHAR(128) NOT NULL,
    PRIMARY KEY (kind, service_name, rule_version)
);

CREATE TABLE audit_entry (
    id VARCHAR(36) NOT NULL,
    at_millis BIGINT NOT NULL,
    actor VARCHAR(128) NOT NULL,
    action_name VARCHAR(64) NOT NULL,
    resource_name VARCHAR(300) NOT NULL,
    before_doc ${document_type},
    after_doc ${document_type},
    detail VARCHAR(1024),
    PRIMARY KEY (id)
);
CREATE INDEX audit_entry_at ON audit_entry (at_millis);
CREATE INDEX audit_entry_actor ON audit_entry (actor, at_millis);
CREATE INDEX audit_entry_resource ON audit_entry (resource_name, at_millis);

CREATE TABLE platform_user (
    username VARCHAR(64) NOT NULL,
    password_hash VARCHAR(100) NOT NULL,
    user_role VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    row_version BIGINT NOT NULL,
    PRIMARY KEY (username)
);

-- Secrets generated at first start and shared by every platform instance on this database.
CREATE TABLE platform_secret (
    name VARCHAR(64) NOT NULL,
    secret_value VARCHAR(512) NOT NULL,
    PRIMARY KEY (name)
);
