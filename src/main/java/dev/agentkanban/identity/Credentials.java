package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.IdentityRepository.TokenOwner;
import dev.agentkanban.platform.InvalidSetting;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;

/**
 * Issues and checks credentials: signed session tokens (JWT, HS256 with {@code SECRET_KEY}, expiry
 * {@code TOKEN_TTL_MINUTES}) and API tokens ({@code akt_} + random secret; only its SHA-256 is stored).
 */
@Component
class Credentials {

    static final String API_TOKEN_PREFIX = "akt_";
    /** A session token's claim: when it was signed, in microseconds since the epoch. */
    private static final String ISSUED_AT_MICROS = "issued_at_us";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int VERIFIED_TOKENS = 10_000;

    private final JwtEncoder encoder;
    private final JwtDecoder decoder;
    private final Duration ttl;
    private final IdentityRepository repo;
    private final SecretKey key;
    /** Callers of session tokens and API tokens (by hash) the database accepted ({@link IdentityCache}). */
    private final IdentityCache<String, Caller> sessions;

    private final IdentityCache<String, IdentityRepository.TokenUser> apiTokens;
    /** Session tokens whose signature was checked, by token (bounded: emptied when full). */
    private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

    Credentials(
            @Value("${kanban.secret-key:}") String secret,
            @Value("${kanban.environment}") String environment,
            @Value("${kanban.token-ttl-minutes:60}") long ttlMinutes,
            IdentityRepository repo,
            AccessWatch watch) {
        this.sessions = new IdentityCache<>(watch);
        this.apiTokens = new IdentityCache<>(watch);
        SecretKey key = SecretKeys.resolve(secret, environment, generated -> repo.sharedSecret("session", generated));
        this.encoder = NimbusJwtEncoder.withSecretKey(key)
                .algorithm(MacAlgorithm.HS256)
                .build();
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(key)
                .macAlgorithm(MacAlgorithm.HS256)
                .build();
        // our issuer is a name, not a URL: the default converter would try (and fail, with an
        // exception) to turn it into one on every request
        decoder.setClaimSetConverter(MappedJwtClaimSetConverter.withDefaults(Map.of(JwtClaimNames.ISS, iss -> iss)));
        // a session ends at its expiry: the default validator accepts a token for 60 s after it (clock skew
        // between servers that do not share a clock; here the signer is the checker)
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(new JwtTimestampValidator(Duration.ZERO)));
        this.decoder = decoder;
        if (ttlMinutes < 1) {
            throw new InvalidSetting(
                    "TOKEN_TTL_MINUTES", ttlMinutes + " is not a number of minutes a sign-in lasts: give 1 or more");
        }
        this.ttl = Duration.ofMinutes(ttlMinutes);
        this.repo = repo;
        this.key = key;
    }

    /**
     * A key for another purpose derived from {@code SECRET_KEY} (HMAC-SHA256 of the purpose's name), so
     * that one configured secret serves several uses without one use's key revealing another's.
     */
    byte[] derivedKey(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    record Issued(String token, String jti, Instant expiresAt) {}

    Issued issueSession(User user, String kind) {
        Instant now = Instant.now();
        return sign(user, kind, UUID.randomUUID().toString(), now, now.plus(ttl));
    }

    /**
     * A new token of the same session, valid for the TTL from now: the same id and signing time, so that
     * ending the session, or all its user's sessions signed before a moment, ends the renewed token too.
     */
    Issued renewSession(User user, String kind, String jti, Instant signedAt) {
        return sign(user, kind, jti, signedAt, Instant.now().plus(ttl));
    }

    /** A session token (for tests: one that expires at a chosen moment). */
    Issued sign(User user, String kind, String jti, Instant now, Instant expires) {
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer("agent-kanban")
                .subject(Long.toString(user.id()))
                .claim("username", user.username())
                .claim("kind", kind)
                .id(jti)
                .issuedAt(now)
                .claim(ISSUED_AT_MICROS, ChronoUnit.MICROS.between(Instant.EPOCH, now))
                .expiresAt(expires)
                .build();
        String token = encoder.encode(JwtEncoderParameters.from(
                        JwsHeader.with(MacAlgorithm.HS256).build(), claims))
                .getTokenValue();
        return new Issued(token, jti, expires);
    }

    Duration ttl() {
        return ttl;
    }

    /** The caller a bearer credential stands for, or empty when it is invalid, expired or revoked. */
    Optional<Caller> authenticate(String credential) {
        if (credential == null || credential.isBlank()) {
            return Optional.empty();
        }
        return credential.startsWith(API_TOKEN_PREFIX) ? apiToken(credential) : session(credential);
    }

    private Optional<Caller> session(String token) {
        Jwt jwt = verified(token);
        if (jwt == null || jwt.getId() == null) {
            return Optional.empty();
        }
        long userId;
        try {
            userId = Long.parseLong(jwt.getSubject());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String kind = jwt.getClaimAsString("kind");
        return sessions.get(
                token,
                () -> repo.sessionUser(userId, jwt.getId(), issuedAt(jwt))
                        .filter(u -> !u.disabled())
                        .map(u -> new Caller(
                                u.id(),
                                u.username(),
                                u.displayName(),
                                u.kind(),
                                u.isAdmin(),
                                // a named session needs no secret: it never carries the admin scope
                                "session".equals(kind) ? Caller.NAMED_SESSION_SCOPES : Caller.ALL_SCOPES,
                                "session".equals(kind) ? "session" : "jwt",
                                jwt.getId(),
                                jwt.getExpiresAt(),
                                u.defaultWorkspaceId(),
                                issuedAt(jwt))));
    }

    /**
     * When the session was signed, to the microsecond: a JWT's {@code iat} counts whole seconds, so a
     * session signed in the same second after its user's sessions were ended (a password change, "sign
     * out other sessions") would read as signed before that and be refused. Sessions signed before this
     * claim existed fall back to {@code iat}.
     */
    private static Instant issuedAt(Jwt jwt) {
        Object micros = jwt.getClaims().get(ISSUED_AT_MICROS);
        return micros instanceof Number n ? Instant.EPOCH.plus(n.longValue(), ChronoUnit.MICROS) : jwt.getIssuedAt();
    }

    /**
     * The token's claims once its signature and expiry are checked, or null. A token never changes, so
     * one that passed is not checked again until it expires: checking cost about a tenth of a simple
     * request's CPU time (JFR, docs/benchmarks.md). Whether it is revoked comes from {@link #sessions},
     * which every access change on any instance empties; a revocation notice evicts the token here too.
     */
    private Jwt verified(String token) {
        Jwt known = verified.get(token);
        if (known != null
                && known.getExpiresAt() != null
                && known.getExpiresAt().isAfter(Instant.now())) {
            return known;
        }
        Jwt jwt;
        try {
            jwt = decoder.decode(token);
        } catch (JwtException e) {
            verified.remove(token);
            return null;
        }
        if (verified.size() >= VERIFIED_TOKENS) {
            verified.clear();
        }
        verified.put(token, jwt);
        return jwt;
    }

    /** A revoked session's checked signature is forgotten (a user's sessions ended: all of them). */
    @EventListener
    void accessChanged(AccessChanged change) {
        if (change.what().startsWith("session:")) {
            String jti = change.what().substring("session:".length());
            verified.values().removeIf(jwt -> jti.equals(jwt.getId()));
        } else if (change.what().startsWith("user:") || change.what().equals("*")) {
            verified.clear();
        }
    }

    private Optional<Caller> apiToken(String token) {
        String hash = hash(token);
        Optional<IdentityRepository.TokenUser> found =
                apiTokens.get(hash, () -> repo.tokenUser(hash).filter(Credentials::usable));
        if (found.isEmpty() || !usable(found.get())) {
            return Optional.empty();
        }
        TokenOwner t = found.get().token();
        IdentityRecords.User u = found.get().user();
        Instant now = Instant.now();
        if (t.lastUsedAt() == null || t.lastUsedAt().isBefore(now.minusSeconds(60))) {
            repo.touchToken(t.tokenId());
            apiTokens.update(
                    hash,
                    new IdentityRepository.TokenUser(
                            new TokenOwner(t.tokenId(), t.userId(), t.scopes(), t.expiresAt(), t.revokedAt(), now), u));
        }
        return Optional.of(new Caller(
                u.id(),
                u.username(),
                u.displayName(),
                u.kind(),
                u.isAdmin(),
                Set.copyOf(t.scopes()),
                "api_token",
                Long.toString(t.tokenId()),
                t.expiresAt(),
                u.defaultWorkspaceId(),
                null));
    }

    /** Whether an API token works now: not revoked, not expired, its user not disabled. */
    private static boolean usable(IdentityRepository.TokenUser found) {
        TokenOwner t = found.token();
        return !found.user().disabled()
                && t.revokedAt() == null
                && (t.expiresAt() == null || t.expiresAt().isAfter(Instant.now()));
    }

    /** A fresh API token secret: the prefix, then 32 random bytes in base64url. */
    static String newApiToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return API_TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
