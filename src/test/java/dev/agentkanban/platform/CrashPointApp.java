package dev.agentkanban.platform;

import dev.agentkanban.KanbanApplication;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service as a process of its own, with one extra filter that stops every POST carrying an
 * {@code Idempotency-Key} dead at a chosen point of the filter chain ({@code crash-point.order}):
 * after the rest of the chain has returned, it writes what the request answered to
 * {@code crash-point.marker} and then never returns, so the client never gets the answer. The test
 * ({@link IdempotencyCrashTest}) waits for the marker and kills the process with SIGKILL.
 * Ordered before the idempotency filter (-90), it holds back an answer that is committed; ordered
 * after it, it stops the request while its work has returned but the idempotency filter has not.
 */
public final class CrashPointApp {

    private CrashPointApp() {}

    public static void main(String[] args) {
        new SpringApplicationBuilder(KanbanApplication.class, CrashPoint.class).run(args);
    }

    /** A source of this process only: not a {@code @Configuration}, so no other app's scan picks it up. */
    static class CrashPoint {

        @Bean
        FilterRegistrationBean<OncePerRequestFilter> crashPoint(
                @Value("${crash-point.order}") int order, @Value("${crash-point.marker}") String marker) {
            FilterRegistrationBean<OncePerRequestFilter> registration =
                    new FilterRegistrationBean<>(new Stop(Path.of(marker)));
            registration.setOrder(order);
            return registration;
        }
    }

    private static final class Stop extends OncePerRequestFilter {

        private final Path marker;

        Stop(Path marker) {
            this.marker = marker;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !"POST".equals(request.getMethod()) || request.getHeader("Idempotency-Key") == null;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            ContentCachingResponseWrapper held = new ContentCachingResponseWrapper(response); // never flushes
            chain.doFilter(request, held);
            String location = held.getHeader("Location");
            byte[] answer = JsonMapper.builder()
                    .build()
                    .writeValueAsBytes(Map.of(
                            "status",
                            held.getStatus(),
                            "location",
                            location == null ? "" : location,
                            "body",
                            new String(held.getContentAsByteArray(), StandardCharsets.UTF_8)));
            Path written = Files.write(marker.resolveSibling(marker.getFileName() + ".tmp"), answer);
            Files.move(written, marker, StandardCopyOption.ATOMIC_MOVE);
            try {
                new CountDownLatch(1).await(); // until the test kills the process
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
