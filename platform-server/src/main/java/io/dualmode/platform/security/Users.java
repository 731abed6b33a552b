package io.dualmode.platform.security;

import io.dualmode.platform.audit.AuditLog;
import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.PlatformError;
import java.time.Instant;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/** User changes with their checks and audit entries; callers run them inside a transaction. */
@Component
final class Users {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@\\-]{0,63}");
    private static final int MIN_PASSWORD = 8;

    private final UserRepository repository;
    private final PasswordEncoder passwords;
    private final AuditLog audit;

    Users(UserRepository repository, PasswordEncoder passwords, AuditLog audit) {
        this.repository = repository;
        this.passwords = passwords;
        this.audit = audit;
    }

    UserAccount create(String actor, String username, String password, String roleName) {
        if (username == null || !NAME.matcher(username).matches()) {
            throw invalid("username must be 1-64 letters, digits or '_.@-'");
        }
        Role role = role(roleName);
        UserAccount user = new UserAccount(username, hash(password), role, Instant.now(), 1);
        try {
            repository.insert(user);
        } catch (DuplicateKeyException e) {
            throw new ApiException(PlatformError.USER_EXISTS, "user '" + username + "' exists; choose another name");
        }
        audit.record(actor, "user.create", "user:" + username, null, roleJson(role), null);
        return user;
    }

    UserAccount update(String actor, String username, String password, String roleName) {
        UserAccount current = find(username);
        Role role = roleName == null ? current.role() : role(roleName);
        if (current.role() == Role.ADMIN && role != Role.ADMIN && repository.countAdmins() == 1) {
            throw new ApiException(
                    PlatformError.LAST_ADMIN, "'" + username + "' is the last admin; make another first");
        }
        String hash = password == null ? current.passwordHash() : hash(password);
        UserAccount next = new UserAccount(username, hash, role, current.createdAt(), current.version() + 1);
        if (!repository.update(next, current.version())) {
            throw new ApiException(PlatformError.VERSION_CONFLICT, "user '" + username + "' changed meanwhile; retry");
        }
        String detail = password == null ? null : "password changed";
        audit.record(actor, "user.update", "user:" + username, roleJson(current.role()), roleJson(role), detail);
        return next;
    }

    void delete(String actor, String username) {
        UserAccount current = find(username);
        if (current.role() == Role.ADMIN && repository.countAdmins() == 1) {
            throw new ApiException(
                    PlatformError.LAST_ADMIN, "'" + username + "' is the last admin; make another first");
        }
        repository.delete(username);
        audit.record(actor, "user.delete", "user:" + username, roleJson(current.role()), null, null);
    }

    UserAccount find(String username) {
        return repository
                .find(username)
                .orElseThrow(
                        () -> new ApiException(PlatformError.USER_NOT_FOUND, "there is no user '" + username + "'"));
    }

    private String hash(String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > 72) {
            throw invalid("password must have " + MIN_PASSWORD + " to 72 characters");
        }
        return passwords.encode(password);
    }

    private static Role role(String name) {
        Role role = Role.parseUserRole(name);
        if (role == null) {
            throw invalid("role is '" + name + "'; use admin, operator or viewer");
        }
        return role;
    }

    private static String roleJson(Role role) {
        return "{\"role\":\"" + role.name().toLowerCase(java.util.Locale.ROOT) + "\"}";
    }

    private static ApiException invalid(String message) {
        return new ApiException(PlatformError.INVALID_USER, message);
    }
}
