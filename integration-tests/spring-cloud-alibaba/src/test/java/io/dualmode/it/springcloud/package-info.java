/**
 * Unmodified Spring Cloud Alibaba Nacos Discovery against the registry: {@link
 * io.dualmode.it.springcloud.SpringCloudAlibabaIntegrationTest} runs {@link
 * io.dualmode.it.springcloud.provider.ProviderApplication} and {@link
 * io.dualmode.it.springcloud.consumer.ConsumerApplication} in child JVMs.
 */
package io.dualmode.it.springcloud;
