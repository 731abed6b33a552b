/** The platform's {@code dualmode.*} configuration properties. */
package io.dualmode.platform.config;
