/** The SOFARPC consumer example. Starting point: {@link io.dualmode.examples.sofa.consumer.SofaConsumerApplication}. */
package io.dualmode.examples.sofa.consumer;
