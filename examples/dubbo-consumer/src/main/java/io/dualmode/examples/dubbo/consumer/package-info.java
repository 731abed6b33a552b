/** The Dubbo example consumer. */
package io.dualmode.examples.dubbo.consumer;
