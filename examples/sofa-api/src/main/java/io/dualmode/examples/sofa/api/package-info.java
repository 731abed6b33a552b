/** The API of the SOFARPC examples: {@link io.dualmode.examples.sofa.api.Greeter}. */
package io.dualmode.examples.sofa.api;
