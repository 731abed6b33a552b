/**
 * A worked example of a private TCP protocol as a plug-in, walked through in {@code docs/protocol-plugins.md}:
 * {@link io.dualmode.sidecar.protocol.example.TinyRpcProtocolPlugin}.
 */
package io.dualmode.sidecar.protocol.example;
