package io.dualmode.platform.security;

import io.dualmode.platform.config.SecurityProperties;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * At the first start (no user at all) creates the user {@code admin}, with {@code dualmode.security.admin-password}
 * or a generated password printed once in the log.
 */
@Component
final class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    static final String ADMIN = "admin";

    private final UserRepository repository;
    private final Users users;
    private final SecurityProperties properties;
    private final TransactionTemplate transactions;

    AdminBootstrap(
            UserRepository repository, Users users, SecurityProperties properties, TransactionTemplate transactions) {
        this.repository = repository;
        this.users = users;
        this.properties = properties;
        this.transactions = transactions;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (repository.count() > 0) {
            return;
        }
        boolean generated = properties.adminPassword() == null;
        String password = generated ? generatePassword() : properties.adminPassword();
        try {
            transactions.executeWithoutResult(s -> users.create("system", ADMIN, password, "admin"));
        } catch (io.dualmode.platform.web.ApiException e) {
            if (e.error() != io.dualmode.platform.web.PlatformError.USER_EXISTS) {
                // e.g. a dualmode.security.admin-password the password rules refuse: say so, do not start half set up
                throw new IllegalStateException("cannot create the first admin user: " + e.getMessage(), e);
            }
            log.info("Another platform instance created the first admin user meanwhile");
            return;
        }
        if (generated) {
            log.warn(
                    "Created the user '{}' with the generated password: {} (shown once; log in and change it, or set"
                            + " dualmode.security.admin-password before the first start)",
                    ADMIN,
                    password);
        } else {
            log.info("Created the user '{}' with the password from dualmode.security.admin-password", ADMIN);
        }
    }

    private static String generatePassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
