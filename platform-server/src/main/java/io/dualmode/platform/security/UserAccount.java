package io.dualmode.platform.security;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * A user of the platform.
 *
 * @param username the login name
 * @param passwordHash the password's hash, never shown
 * @param role the user's role
 * @param createdAt when the user was created
 * @param version the row's version, increased by every change
 */
record UserAccount(String username, @JsonIgnore String passwordHash, Role role, Instant createdAt, long version) {}
