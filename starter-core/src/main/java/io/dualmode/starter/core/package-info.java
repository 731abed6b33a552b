/**
 * What the dual-mode starters share. Starting points: {@link io.dualmode.starter.core.DualmodeProperties} (the
 * {@code dualmode.*} namespace), {@link io.dualmode.starter.core.DualmodeAutoConfiguration}, and
 * {@link io.dualmode.starter.core.RegistrationContributor}, which each framework starter implements so the
 * {@code dualmode} actuator endpoint can say what the instance is registered as.
 */
package io.dualmode.starter.core;
