/**
 * Pushes governance rules to connected sidecars over a WebSocket at {@code /api/v1/push} with xDS semantics
 * (versioned resources, ACK/NACK, incremental updates scoped by service), and shows what each sidecar runs. Start
 * at {@link io.dualmode.platform.push.PushHub}.
 */
package io.dualmode.platform.push;
