-- The mode each sidecar should run, set by an operator or a migration plan, and the mode it last reported.
-- mode_version grows with every change of desired_mode; the sidecar reports the version it applied.
CREATE TABLE instance_mode (
    node_id VARCHAR(300) NOT NULL,
    desired_mode VARCHAR(8) NOT NULL,
    mode_version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by VARCHAR(128) NOT NULL,
    reported_mode VARCHAR(8),
    reported_version BIGINT NOT NULL,
    reported_at BIGINT NOT NULL,
    PRIMARY KEY (node_id)
);

-- Gray migration plans. The whole plan (batches, instance states, events) is one JSON document; plan_state is
-- copied out to find active plans; row_version guards every write; the lease says which platform instance drives
-- the plan, so several instances may share the database.
CREATE TABLE migration_plan (
    id VARCHAR(36) NOT NULL,
    plan_state VARCHAR(16) NOT NULL,
    document ${document_type} NOT NULL,
    row_version BIGINT NOT NULL,
    lease_owner VARCHAR(64),
    lease_until BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX migration_plan_state ON migration_plan (plan_state);
CREATE INDEX migration_plan_created ON migration_plan (created_at);
