/**
 * The Dubbo 2 protocol ({@code dubbo://}, 16-byte header, hessian2 bodies) as a header-only plug-in; starting
 * point {@link io.dualmode.sidecar.protocol.dubbo.DubboProtocolPlugin}. Wire facts: {@code shared/protocols/dubbo.md}.
 */
package io.dualmode.sidecar.protocol.dubbo;
