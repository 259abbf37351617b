package dev.agentkanban.identity;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

/**
 * Where a started OIDC sign-in waits for the provider's answer: in the database (so the answer may
 * reach any instance), under the SHA-256 of its {@code state}, bound to the browser that started it by
 * a random HttpOnly cookie (so a callback URL sent to someone else signs nobody in), for ten minutes,
 * and taken once. The server keeps no HTTP session.
 */
final class OidcRequests implements AuthorizationRequestRepository<OAuth2AuthorizationRequest> {

    static final String COOKIE = "kanban_oidc";
    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Only the classes an authorization request is made of may be read back. */
    private static final ObjectInputFilter ALLOWED = ObjectInputFilter.Config.createFilter(
            "maxdepth=20;maxrefs=2000;maxbytes=65536;org.springframework.security.oauth2.core.endpoint.*;"
                    + "org.springframework.security.oauth2.core.*;java.util.*;java.lang.*;!*");

    private final OidcRepository repo;

    OidcRequests(OidcRepository repo) {
        this.repo = repo;
    }

    @Override
    public OAuth2AuthorizationRequest loadAuthorizationRequest(HttpServletRequest request) {
        return find(request, false).orElse(null);
    }

    @Override
    public void saveAuthorizationRequest(
            OAuth2AuthorizationRequest authorization, HttpServletRequest request, HttpServletResponse response) {
        if (authorization == null) {
            removeAuthorizationRequest(request, response);
            return;
        }
        String browser = browserOf(request);
        if (browser == null) {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            browser = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
        repo.saveRequest(
                Credentials.hash(authorization.getState()),
                Credentials.hash(browser),
                serialize(authorization),
                Instant.now().plus(LIFETIME));
        response.addHeader(
                "Set-Cookie",
                ResponseCookie.from(COOKIE, browser)
                        .httpOnly(true)
                        .secure(request.isSecure())
                        // Lax: the provider's redirect back is a top-level GET from another site
                        .sameSite("Lax")
                        .path("/login/oauth2/code/")
                        .maxAge(LIFETIME)
                        .build()
                        .toString());
    }

    @Override
    public OAuth2AuthorizationRequest removeAuthorizationRequest(
            HttpServletRequest request, HttpServletResponse response) {
        return find(request, true).orElse(null);
    }

    private Optional<OAuth2AuthorizationRequest> find(HttpServletRequest request, boolean take) {
        String state = request.getParameter("state");
        String browser = browserOf(request);
        if (state == null || state.isEmpty() || browser == null) {
            return Optional.empty();
        }
        String stateHash = Credentials.hash(state);
        String browserHash = Credentials.hash(browser);
        return (take ? repo.takeRequest(stateHash, browserHash) : repo.request(stateHash, browserHash))
                .map(OidcRequests::deserialize);
    }

    private static String browserOf(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (COOKIE.equals(c.getName())
                    && c.getValue() != null
                    && c.getValue().length() == 43) {
                return c.getValue();
            }
        }
        return null;
    }

    private static byte[] serialize(OAuth2AuthorizationRequest request) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(request);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static OAuth2AuthorizationRequest deserialize(byte[] data) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
            in.setObjectInputFilter(ALLOWED);
            return (OAuth2AuthorizationRequest) in.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new IllegalStateException("a stored OIDC authorization request cannot be read", e);
        }
    }
}
