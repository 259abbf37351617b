package dev.agentkanban.identity;

import dev.agentkanban.platform.InvalidSetting;
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
 * 32 characters) or well-known key stops the start; elsewhere a missing key is replaced by a random
 * one for this process (sessions then end with the process, and instances do not share them).
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
        boolean production = "production".equalsIgnoreCase(environment) || "prod".equalsIgnoreCase(environment);
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
            log.warn("SECRET_KEY is not set: using a random key for this process only (sessions end when it stops)");
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            value = Base64.getEncoder().encodeToString(random);
        } else if (problem != null) {
            log.warn("{}: acceptable outside production only", problem);
        }
        // HS256 wants 256 key bits: derive them from the configured text of whatever length
        return new SecretKeySpec(sha256(value), "HmacSHA256");
    }
}
