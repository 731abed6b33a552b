/**
 * The Spring Cloud greeter provider: {@link io.dualmode.examples.springcloud.provider.GreeterProviderApplication}
 * serves {@code GET /greet?name=} and registers through the dual-mode starter.
 */
package io.dualmode.examples.springcloud.provider;
