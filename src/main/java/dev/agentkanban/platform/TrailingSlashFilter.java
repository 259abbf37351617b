package dev.agentkanban.platform;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.UrlHandlerFilter;

/**
 * An API path with a trailing slash is the path without it: seed 002's clients call
 * {@code /api/boards/} and {@code /api/tickets/} (FastAPI's canonical form), and
 * {@code /api/v1/tasks/} names nothing else. Spring's {@link UrlHandlerFilter} hands every later filter
 * and the handler the request without the slash (no redirect: a redirected POST would lose its body with
 * many clients); it is asked only for a path that ends in one, the rest pass untouched.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class TrailingSlashFilter implements Filter {

    private final UrlHandlerFilter strip =
            UrlHandlerFilter.trailingSlashHandler("/api/**").wrapRequest().build();

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && endsInSlash(http.getRequestURI())) {
            strip.doFilter(request, response, chain);
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean endsInSlash(String uri) {
        return uri.length() > "/api/".length() && uri.endsWith("/") && uri.startsWith("/api/");
    }
}
