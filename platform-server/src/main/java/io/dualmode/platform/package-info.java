/**
 * The control plane application. Starting point: {@link io.dualmode.platform.PlatformServerApplication}; the REST API
 * lives in {@code rules}, {@code audit}, {@code security} and {@code registry}, all under {@code /api/v1}.
 */
package io.dualmode.platform;
