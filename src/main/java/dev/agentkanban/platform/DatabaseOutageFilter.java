package dev.agentkanban.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * During a database outage every API request (and every call of the MCP endpoint, every handshake of
 * the live socket) is answered 503 problem+json at once, before anything waits for a pooled
 * connection, and a request that passed just before the outage was noticed and waits for a pooled
 * connection then gets the same 503 ({@link ConnectionWaiters}). The health endpoints pass: they
 * report the outage themselves.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class DatabaseOutageFilter extends OncePerRequestFilter {

    private final DatabaseMonitor monitor;
    private final JsonMapper json;

    DatabaseOutageFilter(DatabaseMonitor monitor, JsonMapper json) {
        this.monitor = monitor;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        // the MCP endpoint and the live socket's handshake authenticate against the database too
        return !(path.startsWith("/api/") || path.equals("/mcp") || path.equals("/ws") || path.startsWith("/ws/"))
                || HealthPaths.isHealthPath(path);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!monitor.isDown()) {
            // a request waiting for a pooled connection when an outage is noticed gets its 503 then
            boolean previous = ConnectionWaiters.servingRequest();
            try {
                chain.doFilter(request, response);
            } finally {
                ConnectionWaiters.requestServed(previous);
            }
            return;
        }
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader(HttpHeaders.RETRY_AFTER, Problems.RETRY_AFTER_SECONDS);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), Problems.databaseUnavailable());
    }
}
