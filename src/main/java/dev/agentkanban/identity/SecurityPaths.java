package dev.agentkanban.identity;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Which paths anyone may call: health, sign-in, the unsubscribe link of mails, the web UI's static files
 * and the API reference.
 */
final class SecurityPaths {

    static final String[] PUBLIC = {
        "/health",
        "/api/v1/health",
        "/api/v1/health/**",
        "/api/v1/status",
        // seed 002's paths of the same checks
        "/api/health",
        "/api/health/**",
        "/api/status",
        "/api/v1/auth/login",
        "/api/v1/auth/session",
        "/api/v1/auth/sso",
        "/api/v1/auth/sso/exchange",
        "/api/v1/invitations/link/info",
        "/api/v1/invitations/link/redeem",
        // the unsubscribe link of a notification mail works without signing in (a signed token)
        "/api/v1/email/unsubscribe",
        "/error",
        "/",
        "/index.html",
        "/analytics.html",
        "/favicon.ico",
        "/js/**",
        "/css/**",
        "/img/**",
        "/webjars/**",
        "/docs",
        "/docs/**",
        "/swagger-ui/**",
        "/swagger-ui.html",
        "/v3/api-docs",
        "/v3/api-docs/**",
        "/actuator/health",
        "/actuator/health/**"
    };

    private static final List<PathPattern> PATTERNS =
            Arrays.stream(PUBLIC).map(PathPatternParser.defaultInstance::parse).toList();

    private SecurityPaths() {}

    static boolean isPublic(HttpServletRequest request) {
        PathContainer path = PathContainer.parsePath(request.getRequestURI());
        return PATTERNS.stream().anyMatch(p -> p.matches(path));
    }
}
