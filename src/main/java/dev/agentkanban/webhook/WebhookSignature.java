package dev.agentkanban.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a delivery is signed, and how a receiver checks it. The server sends
 * {@code X-Kanban-Timestamp: <unix seconds>} and
 * {@code X-Kanban-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>}; a receiver
 * recomputes the HMAC over the raw body and rejects stale timestamps (replays).
 */
final class WebhookSignature {

    public static final String SIGNATURE = "X-Kanban-Signature";
    public static final String TIMESTAMP = "X-Kanban-Timestamp";
    public static final String EVENT = "X-Kanban-Event";
    public static final String EVENT_ID = "X-Kanban-Event-Id";
    public static final String DELIVERY = "X-Kanban-Delivery";

    private WebhookSignature() {}

    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** Whether the signature matches the body and the timestamp is within {@code tolerance} of {@code now}. */
    public static boolean verify(
            String secret, String timestamp, String signature, byte[] body, Duration tolerance, Instant now) {
        if (timestamp == null || signature == null) {
            return false;
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - ts) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = sign(secret, ts, body).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.UTF_8));
    }
}
