/**
 * The protocol plug-in SPI: header-only codecs for RPC protocols the sidecar forwards as opaque bytes.
 *
 * <p>Starting points: {@link io.dualmode.sidecar.protocol.ProtocolPlugin} (what a protocol implements),
 * {@link io.dualmode.sidecar.protocol.ProtocolRegistry} (plug-ins found by {@link java.util.ServiceLoader}),
 * {@link io.dualmode.sidecar.protocol.ProtocolDetectionHandler} (one port, several protocols),
 * {@link io.dualmode.sidecar.protocol.FrameDecoder} and {@link io.dualmode.sidecar.protocol.FrameEncoder}
 * (the pipeline handlers that turn bytes into {@link io.dualmode.sidecar.protocol.Frame}s and back).
 */
package io.dualmode.sidecar.protocol;
