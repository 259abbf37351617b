package dev.agentkanban.identity;

import dev.agentkanban.platform.ApiException;
import io.nayuki.qrcodegen.QrCode;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two-factor authentication with TOTP ({@link Totp}): enrolment (a secret shown as a QR code drawn
 * here, no outside service), confirmation by a first code, which also yields ten one-time recovery
 * codes (only their SHA-256 is stored), and disabling with a code. The secret is stored encrypted
 * (AES-GCM with a key derived from {@code SECRET_KEY}). Only a signed-in person manages their second
 * factor (the routes refuse API tokens, {@link RouteRules#signedInOnly}); API tokens and agents' named
 * sessions never need one.
 */
@Service
class TwoFactor {

    static final int RECOVERY_CODES = 10;
    private static final String ISSUER = "Agent Kanban";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

    private static final Logger log = LoggerFactory.getLogger(TwoFactor.class);

    private final SignInRepository repo;
    private final LoginThrottle throttle;
    private final SecurityLog securityLog;
    private final TransactionTemplate tx;
    private final SecretKeySpec key;
    private final Clock clock = Clock.systemUTC();

    TwoFactor(
            SignInRepository repo,
            SecurityLog securityLog,
            TransactionTemplate tx,
            Credentials credentials,
            LoginThrottle throttle) {
        this.repo = repo;
        this.throttle = throttle;
        this.securityLog = securityLog;
        this.tx = tx;
        this.key = new SecretKeySpec(credentials.derivedKey("two-factor-secrets"), "AES");
    }

    record Status(boolean enabled, boolean pending, Instant confirmedAt, int recoveryCodesLeft) {}

    record Enrolment(String secret, String otpauthUri, String qrSvg) {}

    record Confirmed(List<String> recoveryCodes) {}

    Status status(Caller caller) {
        Optional<SignInRepository.TwoFactorRow> row = repo.twoFactor(caller.userId());
        boolean enabled = row.map(r -> r.confirmedAt() != null).orElse(false);
        return new Status(
                enabled,
                row.isPresent() && !enabled,
                row.map(SignInRepository.TwoFactorRow::confirmedAt).orElse(null),
                enabled ? repo.recoveryCodesLeft(caller.userId()) : 0);
    }

    boolean enabled(long userId) {
        return repo.twoFactor(userId).map(r -> r.confirmedAt() != null).orElse(false);
    }

    /** Starts enrolment: a new secret, not yet in force (409 when two-factor is on already). */
    Enrolment enrol(Caller caller) {
        byte[] secret = Totp.newSecret();
        if (!repo.putPendingSecret(caller.userId(), encrypt(secret))) {
            throw ApiException.conflict(
                    "two-factor-enabled", "two-factor authentication is on already; disable it first to enrol again");
        }
        String uri = Totp.uri(ISSUER, caller.username(), secret);
        return new Enrolment(Totp.base32(secret), uri, svg(QrCode.encodeText(uri, QrCode.Ecc.MEDIUM)));
    }

    /** Confirms enrolment with a first code: two-factor is on, the current session counts as two-factor. */
    Confirmed confirm(Caller caller, String code) {
        return tx.execute(s -> {
            SignInRepository.TwoFactorRow row = repo.twoFactor(caller.userId())
                    .orElseThrow(() -> ApiException.conflict("not-enrolling", "start enrolment first"));
            if (row.confirmedAt() != null) {
                throw ApiException.conflict("two-factor-enabled", "two-factor authentication is on already");
            }
            if (!totp(row, code)) {
                throw ApiException.invalid("code", "is not the current code of the authenticator");
            }
            repo.confirm(caller.userId());
            List<String> codes = new ArrayList<>();
            List<String> hashes = new ArrayList<>();
            for (int i = 0; i < RECOVERY_CODES; i++) {
                String c = newRecoveryCode();
                codes.add(c);
                hashes.add(Credentials.hash(normalise(c)));
            }
            repo.replaceRecoveryCodes(caller.userId(), hashes);
            repo.markSessionTwoFactor(caller.credentialId());
            securityLog.record(caller.userId(), "two_factor_enabled", caller.userId(), null, Map.of());
            return new Confirmed(codes);
        });
    }

    /**
     * Turns two-factor off, with a current code or a recovery code. A wrong code counts against the
     * sign-in throttle and is written to the security log ({@code sign_in_failed}, reason
     * {@code two_factor_disable}), as a wrong code at sign-in is: a stolen session cannot guess it freely.
     */
    void disable(Caller caller, String code) {
        if (!enabled(caller.userId())) {
            throw ApiException.conflict("two-factor-disabled", "two-factor authentication is not on");
        }
        throttle.attempt(caller.username(), String.valueOf(SecurityLog.currentAddress()), () -> {
            boolean done = Boolean.TRUE.equals(tx.execute(s -> {
                if (check(caller.userId(), code) == null) {
                    return false;
                }
                repo.deleteTwoFactor(caller.userId());
                securityLog.record(caller.userId(), "two_factor_disabled", caller.userId(), null, Map.of());
                return true;
            }));
            if (!done) {
                securityLog.record(
                        caller.userId(),
                        "sign_in_failed",
                        caller.userId(),
                        null,
                        Map.of("username", caller.username(), "reason", "two_factor_disable"));
                throw ApiException.invalid("code", "is neither the current code nor an unused recovery code");
            }
            return null;
        });
    }

    /**
     * Checks a second factor at sign-in: a six-digit code of the authenticator (once per time step) or
     * an unused recovery code (used up now). Answers {@code totp} or {@code recovery_code}, or null.
     */
    String check(long userId, String code) {
        if (code == null || code.isBlank() || code.length() > 40) {
            return null;
        }
        String c = code.trim();
        Optional<SignInRepository.TwoFactorRow> row = repo.twoFactor(userId).filter(r -> r.confirmedAt() != null);
        if (row.isEmpty()) {
            return null;
        }
        if (c.length() == Totp.DIGITS && c.chars().allMatch(Character::isDigit)) {
            return totp(row.get(), c) ? "totp" : null;
        }
        if (repo.useRecoveryCode(userId, Credentials.hash(normalise(c)))) {
            securityLog.record(
                    userId, "recovery_code_used", userId, null, Map.of("left", repo.recoveryCodesLeft(userId)));
            return "recovery_code";
        }
        return null;
    }

    /**
     * Whether the code is the authenticator's current one, not used before. A secret that no longer
     * decrypts (SECRET_KEY changed since enrolment) matches no code: the person gets the wrong-code
     * answer and signs in with a recovery code (docs/authentication.md), never a server error.
     */
    private boolean totp(SignInRepository.TwoFactorRow row, String code) {
        Optional<byte[]> secret = decrypt(row.secret());
        if (secret.isEmpty()) {
            log.warn(
                    "the two-factor secret of user {} cannot be decrypted: was SECRET_KEY changed since it was"
                            + " enrolled? They sign in with a recovery code and enrol again",
                    row.userId());
            return false;
        }
        long step = Totp.verify(secret.get(), code, clock.instant().getEpochSecond(), row.lastStep());
        return step >= 0 && repo.useStep(row.userId(), step);
    }

    /** Ten characters from an alphabet without look-alikes, shown as two groups of five. */
    static String newRecoveryCode() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            if (i == 5) {
                s.append('-');
            }
            s.append(RECOVERY_ALPHABET.charAt(RANDOM.nextInt(RECOVERY_ALPHABET.length())));
        }
        return s.toString();
    }

    static String normalise(String recoveryCode) {
        StringBuilder s = new StringBuilder();
        for (char c : recoveryCode.toLowerCase().toCharArray()) {
            if (c != '-' && c != ' ') {
                s.append(c);
            }
        }
        return s.toString();
    }

    /** The QR code as SVG: one path of dark modules with a four-module quiet zone. */
    static String svg(QrCode qr) {
        int border = 4;
        int size = qr.size + border * 2;
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                if (qr.getModule(x, y)) {
                    path.append('M')
                            .append(x + border)
                            .append(',')
                            .append(y + border)
                            .append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size
                + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
                + "<path d=\"" + path + "\" fill=\"#000\"/></svg>";
    }

    private String encrypt(byte[] secret) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(secret);
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(iv.length + sealed.length)
                            .put(iv)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The secret, or empty when it does not decrypt with this SECRET_KEY. */
    private Optional<byte[]> decrypt(String stored) {
        try {
            byte[] all = Base64.getDecoder().decode(stored);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, 12));
            return Optional.of(cipher.doFinal(all, 12, all.length - 12));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
