/**
 * nacos-client 2.0.3 (the version SOFARPC pins) against the registry: {@link
 * io.dualmode.it.nacos.LegacyNamingIntegrationTest}, {@link io.dualmode.it.nacos.LegacyConfigIntegrationTest}.
 */
package io.dualmode.it.nacos;
