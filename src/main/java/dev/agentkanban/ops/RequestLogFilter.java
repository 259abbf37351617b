package dev.agentkanban.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The outermost filter: gives every request an id ({@code X-Request-Id} as the client sent it when it
 * is a plain token of at most 128 characters, else a new UUID), returns it, puts it in the log context
 * ({@code request_id}) for every line logged while the request runs, and writes one access log line
 * when it ends (logger {@code dev.agentkanban.access}): method, route, status, duration, actor and
 * workspace. The query string is never logged (it may carry a token). Probes and scrapes are logged
 * at debug only. Failed sign-ins are counted here ({@code kanban.login.failures}).
 */
final class RequestLogFilter extends OncePerRequestFilter {

    static final String HEADER = "X-Request-Id";
    static final String REQUEST_ID = "request_id";
    static final String ACTOR = "actor";
    static final String WORKSPACE = "workspace_id";
    private static final int MAX_ID_LENGTH = 128;
    private static final Set<String> QUIET = Set.of(
            "/livez",
            "/readyz",
            "/healthz",
            "/health",
            "/actuator/prometheus",
            "/actuator/health",
            "/actuator/health/liveness",
            "/actuator/health/readiness");
    private static final Logger access = LoggerFactory.getLogger("dev.agentkanban.access");

    private final boolean enabled;
    private final Counter loginFailures;

    RequestLogFilter(boolean enabled, MeterRegistry registry) {
        this.enabled = enabled;
        this.loginFailures = Counter.builder("kanban.login.failures")
                .description("sign-ins refused for a wrong user name or password")
                .register(registry);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = requestId(request.getHeader(HEADER));
        response.setHeader(HEADER, id);
        MDC.put(REQUEST_ID, id);
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            long micros = (System.nanoTime() - start) / 1000;
            int status = response.getStatus();
            if (status == 401
                    && "POST".equals(request.getMethod())
                    && "/api/v1/auth/login".equals(request.getRequestURI())) {
                loginFailures.increment();
            }
            if (enabled) {
                log(request, status, micros);
            }
            MDC.remove(REQUEST_ID);
            MDC.remove(ACTOR);
            MDC.remove(WORKSPACE);
        }
    }

    private static void log(HttpServletRequest request, int status, long micros) {
        String path = request.getRequestURI();
        Level level = QUIET.contains(path) ? Level.DEBUG : Level.INFO;
        if (!access.isEnabledForLevel(level)) {
            return;
        }
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        String route = pattern == null ? path : pattern.toString();
        double ms = micros / 1000.0;
        access.atLevel(level)
                .addKeyValue("http.request.method", request.getMethod())
                .addKeyValue("url.path", path)
                .addKeyValue("http.route", route)
                .addKeyValue("http.response.status_code", status)
                .addKeyValue("event.duration_ms", ms)
                .addKeyValue("client.address", request.getRemoteAddr())
                .log("{} {} {} {} ms", request.getMethod(), path, status, milliseconds(micros));
    }

    /** {@code micros} as milliseconds with one decimal, rounded half up ({@code %.1f} without a Formatter per request). */
    static String milliseconds(long micros) {
        long tenths = (micros + 50) / 100;
        return tenths / 10 + "." + tenths % 10;
    }

    /**
     * A new random (version 4) UUID from the thread's generator: a request id need not be unguessable, and
     * {@link UUID#randomUUID()} draws from the shared {@code SecureRandom} on every request.
     */
    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long high = (r.nextLong() & ~0xF000L) | 0x4000L;
        long low = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /** The client's id when it is 1 to 128 of {@code A-Z a-z 0-9 - _ . : /}, else a new one. */
    static String requestId(String given) {
        if (given == null || given.isEmpty() || given.length() > MAX_ID_LENGTH) {
            return newId();
        }
        for (int i = 0; i < given.length(); i++) {
            char c = given.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == ':'
                    || c == '/';
            if (!ok) {
                return newId();
            }
        }
        return given;
    }
}
