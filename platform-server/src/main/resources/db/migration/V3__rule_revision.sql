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
