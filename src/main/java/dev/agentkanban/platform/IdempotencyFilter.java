package dev.agentkanban.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Idempotency-Key} on POST: the first request with a key is executed and its response stored;
 * a retry with the same key and the same request gets that response again (marked
 * {@code Idempotent-Replayed: true}) and changes nothing. The same key with a different request
 * (another body, or for multipart another file or field) is a 422; a retry while the first is still
 * running is a 409. Keys are scoped to workspace and actor and kept for 24 hours
 * ({@code kanban.idempotency.retention}). Requests without a workspace context (sign-in, other
 * unauthenticated routes) ignore the header. A success of a handler marked {@link ShownOnce} (its
 * answer carries a secret shown once) is not kept: a retry gets 409 {@code secret-shown-once}.
 *
 * <p>Exactly once, also across crashes: the key, the request's effect and the stored response are
 * one database transaction. The filter begins it, takes a transaction-scoped advisory lock on the
 * key (a concurrent duplicate gets the 409 at once instead of waiting), inserts the key row, runs
 * the request inside the transaction ({@link Transactions#write} joins it through a savepoint, so a
 * deadlock retry or a refused write inside still rolls back only its own part), writes the buffered
 * response into the key row and commits; only then does the client see the response. A 5xx, an
 * exception or a transaction marked rollback-only rolls everything back, the key included, so a retry
 * runs the request again. A process that dies before the commit leaves nothing (PostgreSQL rolls the
 * open transaction back), one that dies after it leaves the effect together with its response, which
 * a retry gets replayed: there is no in-progress row that outlives its process, so no stale claim to
 * take over. Live updates and webhooks are unaffected: they follow the outbox, which is read only
 * after the commit.
 */
@Component
@Order(-90) // after Spring Security's chain (-100), which binds the request context
class IdempotencyFilter extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final PlatformTransactionManager transactions;
    private final Duration retention;
    private final Duration idleTimeout;

    IdempotencyFilter(
            JdbcClient jdbc,
            JsonMapper json,
            PlatformTransactionManager transactions,
            @Value("${kanban.idempotency.retention:PT24H}") Duration retention,
            @Value("${kanban.idempotency.idle-timeout:PT2M}") Duration idleTimeout) {
        this.jdbc = jdbc;
        this.json = json;
        this.transactions = transactions;
        this.retention = retention;
        this.idleTimeout = idleTimeout;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod())
                || request.getHeader(HEADER) == null
                || !request.getRequestURI().startsWith("/api/");
    }

    private record Stored(
            String requestHash, Integer status, byte[] body, String contentType, String location, String etag) {}

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        RequestScope ctx = RequestScope.currentOrNull();
        if (ctx == null) {
            // sign-in and other requests outside a workspace: nothing to scope a key to, and nothing
            // such a request does is a duplicate-prone effect; the header is ignored
            chain.doFilter(request, response);
            return;
        }
        String key = request.getHeader(HEADER).trim();
        if (key.isEmpty() || key.length() > 200) {
            problem(response, ApiException.badRequest("Idempotency-Key must be 1 to 200 characters"));
            return;
        }
        MessageDigest digest = requestDigest(request);
        HttpServletRequest forward = request;
        if (isMultipart(request)) {
            if (!digestParts(request, digest)) {
                // an unreadable multipart body (no boundary, truncated, too large) is refused by the
                // request itself, which then changes nothing: no key to keep
                chain.doFilter(request, response);
                return;
            }
        } else {
            byte[] body = request.getInputStream().readAllBytes();
            digest.update(body);
            forward = new CachedBodyRequest(request, body);
        }
        String hash = HexFormat.of().formatHex(digest.digest());

        TransactionStatus tx = transactions.getTransaction(new DefaultTransactionDefinition());
        try {
            if (!lock(ctx, key)) {
                transactions.rollback(tx);
                inProgress(response);
                return;
            }
            Optional<Stored> stored = find(ctx, key);
            if (stored.isPresent()) {
                transactions.rollback(tx);
                // the stored answer is given only once the request has passed its authorization
                // (IdempotentReplay runs after the route's access check): a read-only token of the same
                // user, or the user demoted since, gets the refusal, not the first request's answer
                Stored s = stored.get();
                forward.setAttribute(IdempotentReplay.ATTRIBUTE, (IdempotentReplay.Answer) r -> replay(s, hash, r));
                chain.doFilter(forward, response);
                return;
            }
            insert(ctx, key, hash);
            ContentCachingResponseWrapper wrapper = new ContentCachingResponseWrapper(response);
            chain.doFilter(forward, wrapper);
            complete(tx, request, ctx, key, wrapper);
            wrapper.copyBodyToResponse();
        } finally {
            if (!tx.isCompleted()) {
                transactions.rollback(tx);
            }
        }
    }

    /**
     * Stores the response with the effect and commits both, or rolls both back: a server error, or
     * work that marked the transaction rollback-only, leaves nothing, the key included.
     */
    private void complete(
            TransactionStatus tx,
            HttpServletRequest request,
            RequestScope ctx,
            String key,
            ContentCachingResponseWrapper wrapper) {
        int status = wrapper.getStatus();
        if (status >= 500 || tx.isRollbackOnly()) {
            transactions.rollback(tx);
            return;
        }
        Stored answer = status < 300 && shownOnce(request)
                ? withheld(status)
                : new Stored(
                        null,
                        status,
                        wrapper.getContentAsByteArray(),
                        wrapper.getContentType(),
                        wrapper.getHeader("Location"),
                        wrapper.getHeader("ETag"));
        try {
            jdbc.sql("""
                    update idempotency_keys set status = :status, response_body = :body,
                           content_type = :type, location = :location, etag = :etag
                    where workspace_id = :ws and actor = :actor and key = :key
                    """)
                    .param("status", answer.status())
                    .param("body", answer.body())
                    .param("type", answer.contentType())
                    .param("location", answer.location())
                    .param("etag", answer.etag())
                    .param("ws", ctx.workspaceId())
                    .param("actor", ctx.actor())
                    .param("key", key)
                    .update();
            transactions.commit(tx);
        } catch (DataAccessException | TransactionException e) {
            if (!tx.isCompleted()) {
                transactions.rollback(tx);
            }
            if (status < 400) {
                throw e; // nothing committed: the client must not see a success
            }
            // a refusal whose transaction the database had already aborted: it changed nothing, so
            // the refusal is still the answer, just not kept for replay
        }
    }

    /** Whether the request was answered by a handler marked {@link ShownOnce}. */
    private static boolean shownOnce(HttpServletRequest request) {
        return request.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE) instanceof HandlerMethod h
                && h.hasMethodAnnotation(ShownOnce.class);
    }

    /**
     * What is kept for a success whose answer held a secret: the 409 a retry gets instead of the answer,
     * so the secret is in no table and is never shown again (a refusal holds none and is kept as it is).
     */
    private Stored withheld(int status) {
        ApiException e = new ApiException(
                HttpStatus.CONFLICT,
                "secret-shown-once",
                "Conflict",
                "the first request with this Idempotency-Key succeeded (" + status + "), and its answer held a"
                        + " secret that is shown only once and not kept; list what it made (without the secret), or"
                        + " send a new request with another key",
                java.util.Map.of("original_status", status));
        return new Stored(
                null,
                e.status().value(),
                json.writeValueAsBytes(Problems.of(e)),
                MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                null,
                null);
    }

    /**
     * Takes the key for this transaction, or false when another transaction holds it (a duplicate
     * still running). Transaction-scoped: released by the commit or rollback, or by a dead session.
     */
    private boolean lock(RequestScope ctx, String key) {
        // A process that dies with kill -9 closes its connections and PostgreSQL rolls back at once; a
        // machine that vanishes or freezes closes nothing, so a transaction idle this long is ended
        // by PostgreSQL, which frees the key for a retry.
        return jdbc.sql(
                        "select pg_try_advisory_xact_lock(hashtextextended('idempotency:' || :ws || ':' || :actor || ':' || :key, 0)),"
                                + " set_config('idle_in_transaction_session_timeout', :idle, true)")
                .param("idle", Long.toString(Math.max(1, idleTimeout.toMillis())))
                .param("ws", Long.toString(ctx.workspaceId()))
                .param("actor", ctx.actor())
                .param("key", key)
                .query((rs, n) -> rs.getBoolean(1))
                .single();
    }

    private void insert(RequestScope ctx, String key, String hash) {
        jdbc.sql(
                        "insert into idempotency_keys (workspace_id, actor, key, request_hash) values (:ws, :actor, :key, :hash)")
                .param("ws", ctx.workspaceId())
                .param("actor", ctx.actor())
                .param("key", key)
                .param("hash", hash)
                .update();
    }

    private Optional<Stored> find(RequestScope ctx, String key) {
        return jdbc.sql("""
                select request_hash, status, response_body, content_type, location, etag from idempotency_keys
                where workspace_id = :ws and actor = :actor and key = :key
                """)
                .param("ws", ctx.workspaceId())
                .param("actor", ctx.actor())
                .param("key", key)
                .query((rs, n) -> new Stored(
                        rs.getString(1),
                        (Integer) rs.getObject(2),
                        rs.getBytes(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)))
                .optional();
    }

    private void replay(Stored s, String hash, HttpServletResponse response) throws IOException {
        if (!s.requestHash().equals(hash)) {
            problem(
                    response,
                    new ApiException(
                            HttpStatus.UNPROCESSABLE_CONTENT,
                            "idempotency-key-reused",
                            "Idempotency key reused",
                            "this Idempotency-Key was used for a different request",
                            null));
            return;
        }
        if (s.status() == null) {
            // a claim written by a version before keys and effects shared a transaction; it expires
            inProgress(response);
            return;
        }
        response.setStatus(s.status());
        if (s.contentType() != null) {
            response.setContentType(s.contentType());
        }
        if (s.location() != null) {
            response.setHeader("Location", s.location());
        }
        if (s.etag() != null) {
            response.setHeader("ETag", s.etag());
        }
        response.setHeader("Idempotent-Replayed", "true");
        if (s.body() != null) {
            response.getOutputStream().write(s.body());
        }
    }

    private void inProgress(HttpServletResponse response) throws IOException {
        problem(
                response,
                ApiException.conflict(
                        "idempotency-in-progress",
                        "a request with this Idempotency-Key is still being processed; retry shortly"));
    }

    /** Deletes keys older than the retention, every {@code kanban.idempotency.expiry-check}. */
    @Scheduled(
            fixedDelayString = "${kanban.idempotency.expiry-check:PT10M}",
            initialDelayString = "${kanban.idempotency.expiry-check:PT10M}")
    void expireOldKeys() {
        jdbc.sql("delete from idempotency_keys where created_at < now() - make_interval(secs => :seconds)")
                .param("seconds", (double) retention.toSeconds())
                .update();
    }

    private static boolean isMultipart(HttpServletRequest request) {
        return request.getContentType() != null
                && request.getContentType().toLowerCase().startsWith("multipart/");
    }

    /** The digest of what identifies a request besides its body: method, path and query. */
    private static MessageDigest requestDigest(HttpServletRequest request) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            field(digest, request.getMethod());
            field(digest, request.getRequestURI());
            field(digest, request.getQueryString() == null ? "" : request.getQueryString());
            return digest;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Adds every part of a multipart body: name, file name, content type and content (streamed from
     * the container's copy, which the request reads again later). The boundary is left out, so the
     * same form sent again by another client library is the same request. False when the body
     * cannot be parsed.
     */
    private static boolean digestParts(HttpServletRequest request, MessageDigest digest) {
        try {
            for (Part part : request.getParts()) {
                field(digest, part.getName());
                field(digest, part.getSubmittedFileName() == null ? "" : part.getSubmittedFileName());
                field(digest, part.getContentType() == null ? "" : part.getContentType());
                field(digest, Long.toString(part.getSize()));
                try (InputStream in = new DigestInputStream(part.getInputStream(), digest)) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            return true;
        } catch (ServletException | IllegalStateException | IOException e) {
            return false;
        }
    }

    /** A length-prefixed field, so that no two different sequences of fields digest alike. */
    private static void field(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) ':');
        digest.update(bytes);
    }

    private void problem(HttpServletResponse response, ApiException e) throws IOException {
        response.setStatus(e.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), Problems.of(e));
    }
}
