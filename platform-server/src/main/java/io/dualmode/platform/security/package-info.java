/**
 * Access: users with roles (admin, operator, viewer), login issuing signed tokens (HMAC JWT), sidecar tokens, and the
 * rules of who may call what. Starting points: {@link io.dualmode.platform.security.SecurityConfiguration}, {@link
 * io.dualmode.platform.security.AuthController}, {@link io.dualmode.platform.security.UserController}.
 */
package io.dualmode.platform.security;
