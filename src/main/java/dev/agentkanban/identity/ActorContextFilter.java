package dev.agentkanban.identity;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The one place where an HTTP request gets its {@link RequestContext}. Until the identity feature
 * authenticates callers, every request acts as {@code anonymous} in the default workspace.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class ActorContextFilter extends OncePerRequestFilter {

    static final String ANONYMOUS = "anonymous";

    private final Workspaces workspaces;

    ActorContextFilter(Workspaces workspaces) {
        this.workspaces = workspaces;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        // health checks answer without an identity, and must not need the database to find one
        return !path.startsWith("/api/") || path.equals("/api/v1/health") || path.startsWith("/api/v1/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        RequestContext ctx = new RequestContext(workspaces.defaultWorkspaceId(), ANONYMOUS, Role.ADMIN);
        try {
            CurrentRequest.runAs(ctx, () -> {
                try {
                    chain.doFilter(request, response);
                } catch (IOException | ServletException e) {
                    throw new FilterFailure(e);
                }
            });
        } catch (FilterFailure f) {
            if (f.getCause() instanceof IOException io) {
                throw io;
            }
            throw (ServletException) f.getCause();
        }
    }

    private static final class FilterFailure extends RuntimeException {
        FilterFailure(Exception cause) {
            super(cause);
        }
    }
}
