/**
 * The Dubbo 3.3 dual-mode starter. Starting points: {@link io.dualmode.starter.dubbo.DubboModeEnvironmentPostProcessor}
 * (points Dubbo's {@code nacos://} registry at the registry or at the local sidecar and puts the {@code dualmode.*}
 * metadata on what Dubbo registers) and {@link io.dualmode.starter.dubbo.DualmodeDubboAutoConfiguration} (start-up
 * order in mesh mode, the actuator's view of the exported services).
 */
package io.dualmode.starter.dubbo;
