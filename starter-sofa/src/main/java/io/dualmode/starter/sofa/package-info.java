/**
 * The SOFARPC dual-mode starter. Starting points: {@link io.dualmode.starter.sofa.DualmodeSofaService} and {@link
 * io.dualmode.starter.sofa.DualmodeSofaReference} (what applications write), {@link
 * io.dualmode.starter.sofa.DualmodeSofaProperties} ({@code dualmode.sofa.*}) and {@link
 * io.dualmode.starter.sofa.DualmodeSofaAutoConfiguration}.
 */
package io.dualmode.starter.sofa;
