package dev.agentkanban.notification;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The unsubscribe link's token: {@code <user id>.<HMAC-SHA256 of it>}, keyed by a key derived from
 * {@code SECRET_KEY} (with no SECRET_KEY, a random key of this process: links then end with it, as
 * sessions do). It works without signing in and names one person; it cannot be forged for another.
 */
@Component
class UnsubscribeTokens {

    private final byte[] key;

    UnsubscribeTokens(@Value("${kanban.secret-key:}") String secret) {
        if (secret == null || secret.isBlank()) {
            key = new byte[32];
            new SecureRandom().nextBytes(key);
        } else {
            key = sha256("agent-kanban unsubscribe v1:" + secret.strip());
        }
    }

    String sign(long userId) {
        return userId + "." + mac(userId);
    }

    /** The user the token names, or empty when it is malformed or its signature does not match. */
    OptionalLong verify(String token) {
        if (token == null || token.length() > 200) {
            return OptionalLong.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot > 19) {
            return OptionalLong.empty();
        }
        long userId;
        try {
            userId = Long.parseLong(token.substring(0, dot));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        byte[] expected = mac(userId).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, expected) ? OptionalLong.of(userId) : OptionalLong.empty();
    }

    private String mac(long userId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal(("unsubscribe:" + userId).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
