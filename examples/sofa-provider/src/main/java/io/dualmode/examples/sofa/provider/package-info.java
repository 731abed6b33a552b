/** The SOFARPC provider example. Starting point: {@link io.dualmode.examples.sofa.provider.SofaProviderApplication}. */
package io.dualmode.examples.sofa.provider;
