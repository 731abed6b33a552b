/**
 * Storage plumbing: blocking JDBC work moved off the event loop inside transactions, and the Flyway placeholders
 * that let one schema serve H2, PostgreSQL and MySQL/MariaDB.
 */
package io.dualmode.platform.storage;
