package dev.agentkanban.identity;

import dev.agentkanban.platform.Problems;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;
import tools.jackson.databind.json.JsonMapper;

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
                    // a conditional read (304 against the ETag a task or board answered)
                    "If-None-Match",
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

    /**
     * The CORS filter Spring Security's chain takes (by this bean name), refusing a cross-origin request
     * from an origin not listed with a 403 problem+json, as every other error, instead of the plain text
     * "Invalid CORS request". Only in the chain: not registered with the servlet container on its own.
     */
    @Bean
    CorsFilter corsFilter(CorsConfigurationSource corsConfigurationSource, JsonMapper json) {
        CorsFilter filter = new CorsFilter(corsConfigurationSource);
        filter.setCorsProcessor(new DefaultCorsProcessor() {
            @Override
            protected void rejectRequest(ServerHttpResponse response) throws IOException {
                response.setStatusCode(HttpStatus.FORBIDDEN);
                response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
                response.getBody()
                        .write(json.writeValueAsBytes(Problems.of(Roles.forbidden(
                                "cross-origin requests from this origin are not allowed (CORS_ORIGINS lists the"
                                        + " allowed ones)"))));
                response.flush();
            }
        });
        return filter;
    }

    @Bean
    FilterRegistrationBean<CorsFilter> corsFilterOnlyInTheSecurityChain(CorsFilter corsFilter) {
        FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(corsFilter);
        registration.setEnabled(false);
        return registration;
    }
}
