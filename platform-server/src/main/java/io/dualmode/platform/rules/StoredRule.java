package io.dualmode.platform.rules;

import java.time.Instant;

/**
 * A rule as stored: its current version, or one of its past versions.
 *
 * @param kind the rule kind's identifier
 * @param service the service the rule applies to
 * @param version the version, from 1
 * @param deleted whether this version is a deletion
 * @param document the canonical JSON document; null when deleted
 * @param changeKind how this version came about: create, update, delete or rollback
 * @param at when this version was written
 * @param by who wrote it
 */
record StoredRule(
        String kind,
        String service,
        long version,
        boolean deleted,
        String document,
        String changeKind,
        Instant at,
        String by) {

    String resourceName() {
        return "rule:" + kind + "/" + service;
    }
}
