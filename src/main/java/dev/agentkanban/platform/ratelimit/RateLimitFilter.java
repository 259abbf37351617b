package dev.agentkanban.platform.ratelimit;

import dev.agentkanban.platform.Problems;
import dev.agentkanban.platform.RateLimited;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * Limits how fast one client may call the API: each authenticated user has one budget (whichever of
 * their tokens or sessions they use), anonymous callers one per client address. Bulk endpoints and WebSocket
 * handshakes have smaller budgets of their own, the change feed a larger one. Health checks, the web UI's files and the API
 * reference are never limited.
 *
 * <p>Every limited response carries {@code X-RateLimit-Limit} and {@code X-RateLimit-Remaining}; a
 * refused one is a 429 problem with {@code Retry-After} in seconds. Runs after Spring Security's
 * chain, which has identified the caller (a request it refuses never gets here).
 */
final class RateLimitFilter extends OncePerRequestFilter {

    static final String LIMIT_HEADER = "X-RateLimit-Limit";
    static final String REMAINING_HEADER = "X-RateLimit-Remaining";

    /** A kind of request with its own budget, in the order they are matched. */
    enum Budget {
        // the bulk writes; reading their record (/api/v1/bulk/operations/...) is an ordinary request
        BULK("/api/v1/bulk/tasks", "/api/v1/bulk/tasks/**", "/api/v1/bulk/tickets", "/api/v1/bulk/tickets/**"),
        WS_CONNECT("/ws", "/ws/**"),
        // the change feed and a follower's progress: a worker polls it every second, a browser without its
        // socket every few, and neither may use up the budget its own writes (hints, moves) draw on
        FEED("/api/v1/events", "/api/v1/events/progress"),
        DEFAULT("/api/**", "/mcp", "/mcp/**", "/actuator/**");

        private final List<PathPattern> paths;

        Budget(String... paths) {
            this.paths = patterns(paths);
        }
    }

    private static final List<PathPattern> UNLIMITED = patterns(
            "/health",
            "/health/**",
            "/api/v1/health",
            "/api/v1/health/**",
            "/api/v1/status",
            "/api/health",
            "/api/health/**",
            "/api/status",
            "/actuator/health",
            "/actuator/health/**");

    private final BucketStore store;
    private final Map<Budget, Rate> rates;
    private final JsonMapper json;
    private final Map<Budget, Counter> rejections = new EnumMap<>(Budget.class);

    RateLimitFilter(BucketStore store, Map<Budget, Rate> rates, JsonMapper json, MeterRegistry registry) {
        this.store = store;
        this.rates = rates;
        this.json = json;
        for (Budget b : Budget.values()) {
            rejections.put(
                    b,
                    Counter.builder("kanban.rate.limit.rejections")
                            .tag("budget", b.name().toLowerCase())
                            .description("requests refused with 429 by the rate limit")
                            .register(registry));
        }
    }

    /** The budget a request draws on, or empty when it is not limited. */
    static Optional<Budget> budgetOf(String uri) {
        PathContainer path = PathContainer.parsePath(uri);
        if (UNLIMITED.stream().anyMatch(p -> p.matches(path))) {
            return Optional.empty();
        }
        return Arrays.stream(Budget.values())
                .filter(b -> b.paths.stream().anyMatch(p -> p.matches(path)))
                .findFirst();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return budgetOf(request.getRequestURI()).isEmpty();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Budget budget = budgetOf(request.getRequestURI()).orElseThrow();
        Rate rate = rates.get(budget);
        Optional<BucketStore.Consumption> taken =
                store.tryConsume(budget.name().toLowerCase() + ":" + clientOf(request), rate);
        if (taken.isEmpty()) { // the store is unavailable: fail open
            chain.doFilter(request, response);
            return;
        }
        BucketStore.Consumption c = taken.get();
        response.setHeader(LIMIT_HEADER, Long.toString(rate.permits()));
        response.setHeader(REMAINING_HEADER, Long.toString(c.remaining()));
        if (c.allowed()) {
            chain.doFilter(request, response);
            return;
        }
        rejections.get(budget).increment();
        long retryAfter = Math.max(1, (c.nanosToWait() + 999_999_999L) / 1_000_000_000L);
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(
                response.getOutputStream(),
                Problems.of(
                        HttpStatus.TOO_MANY_REQUESTS,
                        "rate-limited",
                        "Too many requests",
                        "rate limit of " + rate + " exceeded; retry in " + retryAfter + " s",
                        Map.of("retry_after", retryAfter)));
    }

    /**
     * Who pays for the request: the authenticated user (all their tokens and sessions share one budget,
     * so minting tokens does not multiply it), else the client address. The address is the TCP peer; behind a
     * reverse proxy set {@code server.forward-headers-strategy} so that it is the real client's.
     */
    static String clientOf(HttpServletRequest request) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        Object principal = auth != null && auth.getPrincipal() instanceof RateLimited r
                ? r
                : request.getAttribute(RateLimited.ATTRIBUTE);
        if (principal instanceof RateLimited caller) {
            return caller.rateLimitKey();
        }
        return "ip:" + request.getRemoteAddr();
    }

    private static List<PathPattern> patterns(String... paths) {
        return Arrays.stream(paths)
                .map(PathPatternParser.defaultInstance::parse)
                .toList();
    }
}
