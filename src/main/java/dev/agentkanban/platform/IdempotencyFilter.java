package dev.agentkanban.platform;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Idempotency-Key} on POST: the first request with a key is executed and its response stored;
 * a retry with the same key and the same request gets that response again (marked
 * {@code Idempotent-Replayed: true}) and changes nothing. The same key with a different request is a
 * 422; a retry while the first is still running is a 409. Keys are scoped to workspace and actor and
 * kept for 24 hours. Server errors are not stored, so they can be retried.
 */
@Component
@Order(-90) // after Spring Security's chain (-100), which binds the request context
class IdempotencyFilter extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    IdempotencyFilter(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod())
                || request.getHeader(HEADER) == null
                || !request.getRequestURI().startsWith("/api/");
    }

    private record Stored(String requestHash, Integer status, byte[] body, String contentType, String location) {}

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER).trim();
        if (key.isEmpty() || key.length() > 200) {
            problem(response, ApiException.badRequest("Idempotency-Key must be 1 to 200 characters"));
            return;
        }
        boolean multipart = request.getContentType() != null
                && request.getContentType().toLowerCase().startsWith("multipart/");
        byte[] body = multipart ? new byte[0] : request.getInputStream().readAllBytes();
        String hash = hash(request, body);
        RequestContext ctx = CurrentRequest.get();

        if (!claim(ctx, key, hash)) {
            Optional<Stored> stored = find(ctx, key);
            if (stored.isEmpty()) {
                problem(response, ApiException.conflict("idempotency-in-progress",
                        "a request with this Idempotency-Key is still being processed; retry shortly"));
                return;
            }
            Stored s = stored.get();
            if (!s.requestHash().equals(hash)) {
                problem(response, new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused",
                        "Idempotency key reused", "this Idempotency-Key was used for a different request", null));
                return;
            }
            if (s.status() == null) {
                problem(response, ApiException.conflict("idempotency-in-progress",
                        "a request with this Idempotency-Key is still being processed; retry shortly"));
                return;
            }
            response.setStatus(s.status());
            if (s.contentType() != null) {
                response.setContentType(s.contentType());
            }
            if (s.location() != null) {
                response.setHeader("Location", s.location());
            }
            response.setHeader("Idempotent-Replayed", "true");
            if (s.body() != null) {
                response.getOutputStream().write(s.body());
            }
            return;
        }

        ContentCachingResponseWrapper wrapper = new ContentCachingResponseWrapper(response);
        boolean completed = false;
        try {
            chain.doFilter(multipart ? request : new CachedBodyRequest(request, body), wrapper);
            completed = true;
        } finally {
            int status = wrapper.getStatus();
            if (completed && status < 500) {
                jdbc.sql("""
                        update idempotency_keys set status = :status, response_body = :body,
                               content_type = :type, location = :location
                        where workspace_id = :ws and actor = :actor and key = :key
                        """)
                        .param("status", status)
                        .param("body", wrapper.getContentAsByteArray())
                        .param("type", wrapper.getContentType())
                        .param("location", wrapper.getHeader("Location"))
                        .param("ws", ctx.workspaceId())
                        .param("actor", ctx.actor())
                        .param("key", key)
                        .update();
            } else {
                release(ctx, key);
            }
            wrapper.copyBodyToResponse();
        }
    }

    /** Takes the key for this request; false when someone holds it (a stale claim is taken over). */
    private boolean claim(RequestContext ctx, String key, String hash) {
        int inserted = jdbc.sql("""
                insert into idempotency_keys (workspace_id, actor, key, request_hash)
                values (:ws, :actor, :key, :hash)
                on conflict (workspace_id, actor, key) do update
                    set request_hash = excluded.request_hash, created_at = now()
                    where idempotency_keys.status is null
                      and idempotency_keys.created_at < now() - interval '2 minutes'
                """)
                .param("ws", ctx.workspaceId())
                .param("actor", ctx.actor())
                .param("key", key)
                .param("hash", hash)
                .update();
        return inserted == 1;
    }

    private Optional<Stored> find(RequestContext ctx, String key) {
        return jdbc.sql("""
                select request_hash, status, response_body, content_type, location from idempotency_keys
                where workspace_id = :ws and actor = :actor and key = :key
                """)
                .param("ws", ctx.workspaceId())
                .param("actor", ctx.actor())
                .param("key", key)
                .query((rs, n) -> new Stored(rs.getString(1), (Integer) rs.getObject(2), rs.getBytes(3),
                        rs.getString(4), rs.getString(5)))
                .optional();
    }

    private void release(RequestContext ctx, String key) {
        jdbc.sql("delete from idempotency_keys where workspace_id = :ws and actor = :actor and key = :key and status is null")
                .param("ws", ctx.workspaceId())
                .param("actor", ctx.actor())
                .param("key", key)
                .update();
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void expireOldKeys() {
        jdbc.sql("delete from idempotency_keys where created_at < now() - interval '24 hours'").update();
    }

    private static String hash(HttpServletRequest request, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(request.getMethod().getBytes(StandardCharsets.UTF_8));
            digest.update(request.getRequestURI().getBytes(StandardCharsets.UTF_8));
            if (request.getQueryString() != null) {
                digest.update(request.getQueryString().getBytes(StandardCharsets.UTF_8));
            }
            digest.update(Long.toString(request.getContentLengthLong()).getBytes(StandardCharsets.UTF_8));
            digest.update(body);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void problem(HttpServletResponse response, ApiException e) throws IOException {
        response.setStatus(e.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), Problems.of(e));
    }
}
