/**
 * Instance modes and gray migrations: the mode each sidecar should run ({@link
 * io.dualmode.platform.migration.InstanceModes}, pushed as mode directives), and plans that move instances between
 * SDK and mesh in batches, watch their traffic and roll back ({@link io.dualmode.platform.migration.MigrationEngine}).
 */
package io.dualmode.platform.migration;
