/**
 * Spring Cloud Commons discovery and registration over nacos-client, in SDK mode against the registry and in mesh mode
 * through the local sidecar. Starting points: {@link io.dualmode.starter.springcloud.DualmodeSpringCloudAutoConfiguration},
 * {@link io.dualmode.starter.springcloud.DualmodeSpringCloudProperties} ({@code dualmode.springcloud.*}), {@link
 * io.dualmode.starter.springcloud.DualmodeDiscoveryClient} and {@link
 * io.dualmode.starter.springcloud.DualmodeServiceRegistry}.
 */
package io.dualmode.starter.springcloud;
