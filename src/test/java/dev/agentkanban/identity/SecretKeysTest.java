package dev.agentkanban.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.platform.InvalidSetting;
import org.junit.jupiter.api.Test;

/** SPEC §9: production refuses a default or weak SECRET_KEY; other environments only warn. */
class SecretKeysTest {

    @Test
    void productionRefusesKeysThatAreLongButNoSecret() {
        for (String weak : new String[] {
            "a".repeat(40),
            "abababababababababababababababababab",
            // the HA drill's published default (ops/ha/env.sh)
            "ha-drill-secret-key-0123456789abcdef-not-for-production",
            "this-is-an-example-key-for-the-readme-0123456789",
            "CHANGE_ME_CHANGE_ME_CHANGE_ME_CHANGE_ME"
        }) {
            assertThatThrownBy(() -> SecretKeys.resolve(weak, "production"))
                    .as(weak)
                    .isInstanceOf(InvalidSetting.class)
                    .hasMessageContaining("refusing to start");
        }
    }

    @Test
    void productionTakesARandomKeyAndOtherEnvironmentsTakeAnything() {
        assertThat(SecretKeys.resolve("q7Zk2vN9xR4mT1pL8sW3yB6cF0hJ5dG2aE7uI9oK", "production"))
                .isNotNull();
        assertThat(SecretKeys.resolve("a".repeat(40), "development")).isNotNull();
    }

    @Test
    void withoutAKeyOutsideProductionTheDatabasesSharedKeySigns() {
        String kept = "kept-in-the-database-0123456789abcdefghij";
        assertThat(SecretKeys.resolve(null, "development", generated -> kept))
                .isEqualTo(SecretKeys.resolve(kept, "development"));
        // the database unreadable: a key of this process, not a failed start
        assertThat(SecretKeys.resolve(null, "development", generated -> {
                    throw new IllegalStateException("no table");
                }))
                .isNotNull();
        // a configured key is the key; the database is not asked
        assertThat(SecretKeys.resolve("q7Zk2vN9xR4mT1pL8sW3yB6cF0hJ5dG2aE7uI9oK", "development", generated -> {
                    throw new AssertionError("asked the database although SECRET_KEY is set");
                }))
                .isEqualTo(SecretKeys.resolve("q7Zk2vN9xR4mT1pL8sW3yB6cF0hJ5dG2aE7uI9oK", "development"));
    }

    /** ADMIN_PASSWORD in production (SPEC §9): well-known passwords, placeholders and the username itself are no secret. */
    @Test
    void theFirstAdminsPasswordIsNoPlaceholder() {
        for (String weak : new String[] {
            "changeme",
            "CHANGEME!",
            "password",
            "Password123",
            "change-me-now",
            "example-admin-1",
            "12345678",
            "admin123",
            "ha-drill-admin-password",
            "not-for-production-1",
            "aaaaaaaaaaaa",
            "abababab12",
            "Root-Admin"
        }) {
            assertThat(SecretKeys.weakAdminPassword(weak, "root-admin"))
                    .as(weak)
                    .isPresent();
        }
        assertThat(SecretKeys.weakAdminPassword("q7Zk2vN9xR4mT1pL", "admin")).isEmpty();
        assertThat(SecretKeys.weakAdminPassword("correct horse battery staple", "admin"))
                .isEmpty();
        // README's example, and a passphrase that merely holds a common word
        assertThat(SecretKeys.weakAdminPassword("a long password", "admin")).isEmpty();
        assertThat(SecretKeys.weakAdminPassword("my-secret-garden-42", "admin")).isEmpty();
    }
}
