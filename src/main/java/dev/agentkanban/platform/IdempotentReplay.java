package dev.agentkanban.platform;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Gives a retried request the stored answer of its {@code Idempotency-Key} ({@link IdempotencyFilter})
 * in place of running its handler, as the last interceptor: after the route's access check, so that a
 * credential that may not make the request (a read-only token of the user who made it, or the user
 * demoted since) is refused as it would be without the key, and never handed the first answer.
 */
@Configuration
class IdempotentReplay implements HandlerInterceptor, WebMvcConfigurer {

    static final String ATTRIBUTE = IdempotentReplay.class.getName();

    /** Writes the stored answer. */
    @FunctionalInterface
    interface Answer {
        void writeTo(HttpServletResponse response) throws IOException;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/**").order(Ordered.LOWEST_PRECEDENCE);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (request.getAttribute(ATTRIBUTE) instanceof Answer answer) {
            answer.writeTo(response);
            return false;
        }
        return true;
    }
}
