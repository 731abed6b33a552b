/** Unmodified SOFARPC 5.13 against the registry: {@link io.dualmode.it.sofarpc.SofaRpcIntegrationTest}. */
package io.dualmode.it.sofarpc;
