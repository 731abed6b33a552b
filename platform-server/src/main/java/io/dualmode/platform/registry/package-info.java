/**
 * The embedded registry as a bean ({@code dualmode.registry.*}) and the instance inventory API under {@code
 * /api/v1/inventory}.
 */
package io.dualmode.platform.registry;
