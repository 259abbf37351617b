package dev.agentkanban.identity;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** Creates the first admin from {@code ADMIN_USERNAME}/{@code ADMIN_PASSWORD} when that user does not exist yet. */
@Component
@Order(0)
class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final Identities identities;
    private final String username;
    private final String password;

    AdminBootstrap(
            Identities identities,
            @Value("${kanban.admin-username}") String username,
            @Value("${kanban.admin-password}") String password) {
        this.identities = identities;
        this.username = username;
        this.password = password;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (username == null || username.isBlank()) {
            return;
        }
        if (password == null || password.length() < 8) {
            throw new IllegalStateException("ADMIN_PASSWORD must be at least 8 characters");
        }
        if (identities.ensureAdmin(username.trim(), password)) {
            log.info("Created admin user '{}'", username.trim());
        }
    }
}
