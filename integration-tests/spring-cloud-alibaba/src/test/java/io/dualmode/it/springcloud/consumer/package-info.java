/** A Spring Boot application that finds the provider through DiscoveryClient and calls it by service name. */
package io.dualmode.it.springcloud.consumer;
