/** A Spring Boot web application that registers itself through Spring Cloud Alibaba Nacos Discovery. */
package io.dualmode.it.springcloud.provider;
