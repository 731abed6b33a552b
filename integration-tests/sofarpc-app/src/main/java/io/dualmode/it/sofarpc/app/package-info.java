/**
 * The SOFARPC applications the SOFARPC suite runs in child JVMs: {@link
 * io.dualmode.it.sofarpc.app.SofaProviderMain} and {@link io.dualmode.it.sofarpc.app.SofaConsumerMain}.
 */
package io.dualmode.it.sofarpc.app;
