package dev.agentkanban.identity;

import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/** Cross-origin access only for the origins listed in {@code CORS_ORIGINS} (comma-separated); none by default. */
@Configuration
class CorsConfig {

    @Bean
    CorsConfigurationSource corsConfigurationSource(@Value("${kanban.cors-origins:}") String origins) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        List<String> allowed = Arrays.stream(origins.replace("[", "")
                        .replace("]", "")
                        .replace("\"", "")
                        .split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        if (!allowed.isEmpty()) {
            CorsConfiguration config = new CorsConfiguration();
            config.setAllowedOrigins(allowed);
            config.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
            config.setAllowedHeaders(List.of(
                    "Authorization",
                    "Content-Type",
                    "If-Match",
                    "Idempotency-Key",
                    "X-Workspace-Id",
                    "X-Tenant-Id",
                    "X-Session-Id",
                    // a browser's MCP client (Streamable HTTP at /mcp)
                    "Mcp-Session-Id",
                    "Mcp-Protocol-Version",
                    "Last-Event-ID"));
            config.setExposedHeaders(List.of(
                    "ETag",
                    "Location",
                    "Retry-After",
                    "Idempotent-Replayed",
                    "X-RateLimit-Limit",
                    "X-RateLimit-Remaining",
                    "Mcp-Session-Id"));
            config.setMaxAge(3600L);
            source.registerCorsConfiguration("/**", config);
        }
        return source;
    }
}
