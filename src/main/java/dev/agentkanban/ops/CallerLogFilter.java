package dev.agentkanban.ops;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs just inside Spring Security's chain, where the caller is known: puts the actor and the
 * workspace in the log context, so that every line logged for the request, and its access log line
 * ({@link RequestLogFilter}, which removes them), names them.
 */
final class CallerLogFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        RequestContext ctx = CurrentRequest.orNull();
        if (ctx != null) {
            MDC.put(RequestLogFilter.ACTOR, ctx.actor());
            MDC.put(RequestLogFilter.WORKSPACE, Long.toString(ctx.workspaceId()));
        }
        chain.doFilter(request, response);
    }
}
