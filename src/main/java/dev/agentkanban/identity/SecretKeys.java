package dev.agentkanban.identity;

import dev.agentkanban.platform.InvalidSetting;
import dev.agentkanban.platform.ServiceInfo;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that signs session tokens, from {@code SECRET_KEY}. In production a missing, short (under
 * 32 characters) or well-known key stops the start; elsewhere a missing key is replaced by one
 * generated once and kept in the database (V83), so that the instances on one database accept each
 * other's sessions and sessions outlive a restart; only when that cannot be read is it a random key
 * for this process.
 */
final class SecretKeys {

    private static final Logger log = LoggerFactory.getLogger(SecretKeys.class);
    static final int MIN_LENGTH = 32;
    private static final Set<String> KNOWN_DEFAULTS = Set.of(
            "secret",
            "changeme",
            "change-me",
            "your-super-secret-key-here",
            "dev-secret",
            "development",
            "default",
            "password",
            "your-secret-key");

    /**
     * Words that mark a placeholder or a published example (the HA drill's default says
     * "not-for-production"): such a key is known to anyone who read the docs or the repository.
     */
    private static final java.util.regex.Pattern MARKED_NOT_SECRET = java.util.regex.Pattern.compile(
            "change|example|not-for-prod|insecure|placeholder|dummy|sample", java.util.regex.Pattern.CASE_INSENSITIVE);

    /** Passwords people reach for first and that every guessing list starts with (8+ characters: shorter ones are refused anyway). */
    private static final Set<String> KNOWN_PASSWORDS = Set.of(
            "12345678",
            "123456789",
            "1234567890",
            "87654321",
            "11111111",
            "qwertyui",
            "qwertyuiop",
            "abcdefgh",
            "abcd1234",
            "letmein1",
            "iloveyou",
            "welcome1",
            "welcome123",
            "sunshine",
            "football",
            "monkey123",
            "trustno1",
            "admin123",
            "admin1234",
            "admin12345",
            "adminadmin",
            "administrator",
            "rootroot",
            "root1234",
            "toor1234",
            "kanban123",
            "agentkanban",
            "password",
            "password1",
            "password12",
            "password123",
            "password1234",
            "passw0rd",
            "p@ssw0rd",
            "secret123",
            "supersecret",
            // the repository's own drills' passwords: published, so no secret
            "ha-drill-admin-password",
            "backup-drill-password",
            "bench-password-1234");

    /**
     * Words that mark a password as a placeholder or a published example rather than a chosen secret
     * ("changeme", "example-admin", "not-for-production"). Ordinary words that a chosen passphrase may
     * hold ("password", "secret") are not among them: README's own example is 'a long password'.
     */
    private static final java.util.regex.Pattern MARKED_NOT_A_PASSWORD = java.util.regex.Pattern.compile(
            "change-?me|change-?it|example|not-for-prod|insecure|placeholder|dummy",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * Why {@code password} is no secret for the first admin ({@code ADMIN_PASSWORD}) of a production
     * server, or empty when it may be one: a well-known password (exactly), a placeholder or example
     * ("changeme", "not-for-production"), the username itself, or one of
     * so few different characters that it is guessed at once. Length is checked where every password is
     * (8 characters at least).
     */
    static java.util.Optional<String> weakAdminPassword(String password, String username) {
        String p = password == null ? "" : password.trim();
        String lower = p.toLowerCase(java.util.Locale.ROOT);
        String user = username == null ? "" : username.trim().toLowerCase(java.util.Locale.ROOT);
        if (KNOWN_PASSWORDS.contains(lower) || MARKED_NOT_A_PASSWORD.matcher(p).find()) {
            return java.util.Optional.of("is a well-known default or placeholder password");
        }
        if (!user.isEmpty() && lower.equals(user)) {
            return java.util.Optional.of("is the username (ADMIN_USERNAME), the first thing anyone guesses");
        }
        if (p.chars().distinct().count() < 6) {
            return java.util.Optional.of("is too predictable (fewer than 6 different characters)");
        }
        return java.util.Optional.empty();
    }

    /** A random key of 32 characters has far more; 32 times the same letter is no key. */
    static final int MIN_DISTINCT = 10;

    private SecretKeys() {}

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static SecretKey resolve(String configured, String environment) {
        return resolve(configured, environment, random -> random);
    }

    /**
     * As {@link #resolve(String, String)}, with {@code shared} turning a freshly generated key into the
     * one to use when {@code SECRET_KEY} is not set (outside production): the database's, shared by its
     * instances.
     */
    static SecretKey resolve(String configured, String environment, java.util.function.UnaryOperator<String> shared) {
        boolean production = ServiceInfo.production(environment);
        String value = configured == null ? "" : configured.trim();
        String problem = null;
        if (value.isEmpty()) {
            problem = "SECRET_KEY is not set";
        } else if (value.length() < MIN_LENGTH) {
            problem = "SECRET_KEY is shorter than " + MIN_LENGTH + " characters";
        } else if (KNOWN_DEFAULTS.contains(value.toLowerCase())
                || MARKED_NOT_SECRET.matcher(value).find()) {
            problem = "SECRET_KEY is a well-known default";
        } else if (value.chars().distinct().count() < MIN_DISTINCT) {
            problem = "SECRET_KEY is too predictable (fewer than " + MIN_DISTINCT + " different characters)";
        }
        if (problem != null && production) {
            throw new InvalidSetting(
                    "SECRET_KEY",
                    problem + "; refusing to start with ENVIRONMENT=" + environment + ". Set a random SECRET_KEY of"
                            + " at least " + MIN_LENGTH + " characters.");
        }
        if (value.isEmpty()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String generated = Base64.getEncoder().encodeToString(random);
            try {
                value = shared.apply(generated);
                log.warn("SECRET_KEY is not set: signing sessions with a key generated once and kept in the"
                        + " database (shared by the instances on it); set SECRET_KEY in production");
            } catch (RuntimeException e) {
                value = generated;
                log.warn(
                        "SECRET_KEY is not set and no key could be kept in the database ({}): using a random key"
                                + " for this process only (sessions end when it stops)",
                        e.getMessage());
            }
        } else if (problem != null) {
            log.warn("{}: acceptable outside production only", problem);
        }
        // HS256 wants 256 key bits: derive them from the configured text of whatever length
        return new SecretKeySpec(sha256(value), "HmacSHA256");
    }
}
