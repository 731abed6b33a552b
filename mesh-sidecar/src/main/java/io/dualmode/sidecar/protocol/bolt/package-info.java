/**
 * SOFA Bolt v1 and v2 as a header-only plug-in; starting point
 * {@link io.dualmode.sidecar.protocol.bolt.BoltProtocolPlugin}. Wire facts: {@code shared/protocols/bolt.md}.
 */
package io.dualmode.sidecar.protocol.bolt;
