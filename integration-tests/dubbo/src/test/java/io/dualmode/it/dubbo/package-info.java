/**
 * Unmodified Dubbo 3.3 against the registry: {@link io.dualmode.it.dubbo.DubboIntegrationTest} runs {@link
 * io.dualmode.it.dubbo.DubboProviderMain} and {@link io.dualmode.it.dubbo.DubboConsumerMain} in child JVMs.
 */
package io.dualmode.it.dubbo;
