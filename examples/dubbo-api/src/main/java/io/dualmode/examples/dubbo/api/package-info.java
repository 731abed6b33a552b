/** The API the Dubbo examples share. */
package io.dualmode.examples.dubbo.api;
