package dev.agentkanban.identity;

import dev.agentkanban.platform.InvalidSetting;
import dev.agentkanban.platform.ServiceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Creates the first admin from {@code ADMIN_USERNAME}/{@code ADMIN_PASSWORD} when that user does not exist
 * yet. With {@code ENVIRONMENT=production} a well-known or placeholder password stops the start instead
 * (SPEC §9: no default secret in production), as a weak {@code SECRET_KEY} does; once the admin exists
 * the variable is not read, so an old value left in a deployment does not stop a restart.
 */
@Component
@Order(0)
class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final Identities identities;
    private final IdentityRepository repo;
    private final String username;
    private final String password;
    private final String environment;

    AdminBootstrap(
            Identities identities,
            IdentityRepository repo,
            @Value("${kanban.admin-username}") String username,
            @Value("${kanban.admin-password}") String password,
            @Value("${kanban.environment}") String environment) {
        this.identities = identities;
        this.repo = repo;
        this.username = username;
        this.password = password;
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (username == null || username.isBlank()) {
            return;
        }
        if (password == null || password.length() < 8) {
            throw new InvalidSetting("ADMIN_PASSWORD", "must be at least 8 characters");
        }
        if (ServiceInfo.production(environment)
                && repo.userByName(username.trim()).isEmpty()) {
            SecretKeys.weakAdminPassword(password, username).ifPresent(problem -> {
                throw new InvalidSetting(
                        "ADMIN_PASSWORD",
                        problem + "; refusing to create the admin '" + username.trim() + "' with it (ENVIRONMENT="
                                + environment + "). Set a password of your own (a long random one, e.g."
                                + " openssl rand -base64 24) and change it after the first sign-in.");
            });
        }
        if (identities.ensureAdmin(username.trim(), password)) {
            log.info("Created admin user '{}'", username.trim());
        }
    }
}
