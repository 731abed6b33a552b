-- The sidecars' load reports received by each platform instance, in batches written every dualmode.sync-interval,
-- so that every instance sees the traffic of every sidecar (a migration plan is judged by whichever instance holds
-- its lease, whatever instance the moved sidecars are connected to). seq counts one instance's batches; readers
-- remember the last seq they applied per instance. Batches are deleted a few minutes after they were written: each
-- instance keeps what it applied in memory.
CREATE TABLE traffic_batch (
    platform_instance VARCHAR(36) NOT NULL,
    seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    reports_doc ${document_type} NOT NULL,
    PRIMARY KEY (platform_instance, seq)
);
CREATE INDEX traffic_batch_created ON traffic_batch (created_at);
