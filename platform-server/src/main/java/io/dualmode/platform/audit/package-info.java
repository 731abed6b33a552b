/**
 * The audit log: who changed what, when, with the value before and after. Written in the same transaction as the
 * change it records; read through {@code GET /api/v1/audit}.
 */
package io.dualmode.platform.audit;
