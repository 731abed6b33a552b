/** The Dubbo example provider. */
package io.dualmode.examples.dubbo.provider;
