-- A counter of rule changes. Every rule change increments it in its own transaction, so writers of rules queue on
-- this one row for the rest of their (short) transaction and a reader that sees revision N sees every change up to N
-- committed. Each platform instance polls it to learn cheaply that a rule changed on another instance, then reads
-- which ones from gov_rule.
CREATE TABLE platform_revision (
    name VARCHAR(32) NOT NULL,
    revision BIGINT NOT NULL,
    PRIMARY KEY (name)
);
INSERT INTO platform_revision (name, revision) VALUES ('rules', 0);

-- The status of each sidecar connected to a platform instance (a JSON document), written by that instance every
-- dualmode.sync-interval while the sidecar stays connected, so every instance can show every sidecar. seen_at is
-- the writing instance's heartbeat; rows of an instance that stopped heartbeating are ignored and later deleted.
CREATE TABLE sidecar_status (
    platform_instance VARCHAR(36) NOT NULL,
    node_id VARCHAR(300) NOT NULL,
    status_doc ${document_type} NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (platform_instance, node_id)
);
CREATE INDEX sidecar_status_seen ON sidecar_status (seen_at);
