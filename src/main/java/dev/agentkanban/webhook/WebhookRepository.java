package dev.agentkanban.webhook;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for webhooks and their deliveries. Tenant statements name the workspace; the fan-out and
 * sender statements (marked "system") run in system transactions across workspaces.
 */
@Repository
class WebhookRepository {

    private static final String WEBHOOK_COLUMNS =
            "id, url, event_types, board_id, active, created_by, created_at, updated_at";
    private static final String DELIVERY_COLUMNS = """
            id, webhook_id, event_id, event_type, status, attempts, response_code, last_error, response_excerpt,
            queued_at, last_attempt_at, next_attempt_at, delivered_at
            """;

    /** An active webhook as the fan-out matches it against events. */
    record Subscriber(long id, long workspaceId, List<String> eventTypes, Long boardId) {}

    /** A claimed delivery, with what sending it needs. */
    record Claimed(
            long id,
            long workspaceId,
            long webhookId,
            long eventId,
            String eventType,
            String payload,
            int attempts,
            Instant queuedAt,
            String url,
            String secret) {}

    private final JdbcClient jdbc;

    WebhookRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long insert(
            long ws, String url, List<String> eventTypes, Long boardId, String secret, boolean active, String actor) {
        return jdbc.sql("""
                insert into webhooks (workspace_id, url, event_types, board_id, secret, active, created_by)
                values (:ws, :url, cast(:types as text[]), :board, :secret, :active, :actor) returning id
                """)
                .param("ws", ws)
                .param("url", url)
                .param("types", textArray(eventTypes))
                .param("board", boardId)
                .param("secret", secret)
                .param("active", active)
                .param("actor", actor)
                .query(Long.class)
                .single();
    }

    List<Webhook> list(long ws, int limit, long offset) {
        return jdbc.sql("select " + WEBHOOK_COLUMNS
                        + " from webhooks where workspace_id = :ws order by id limit :limit offset :offset")
                .param("ws", ws)
                .param("limit", limit)
                .param("offset", offset)
                .query(WebhookRepository::webhook)
                .list();
    }

    /**
     * The workspace's number of webhooks, counted under a transaction-scoped lock of the workspace's
     * webhook creations, so that two creations at once cannot both pass the limit.
     */
    long countLocked(long ws) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('webhooks:' || :ws, 0))")
                .param("ws", ws)
                .query((rs, n) -> 1)
                .list();
        return count(ws);
    }

    long count(long ws) {
        return jdbc.sql("select count(*) from webhooks where workspace_id = :ws")
                .param("ws", ws)
                .query(Long.class)
                .single();
    }

    Optional<Webhook> find(long ws, long id, boolean forUpdate) {
        return jdbc.sql("select " + WEBHOOK_COLUMNS + " from webhooks where workspace_id = :ws and id = :id"
                        + (forUpdate ? " for update" : ""))
                .param("ws", ws)
                .param("id", id)
                .query(WebhookRepository::webhook)
                .optional();
    }

    void update(long ws, long id, String url, List<String> eventTypes, Long boardId, boolean active, String secret) {
        jdbc.sql("""
                update webhooks set url = :url, event_types = cast(:types as text[]), board_id = :board, active = :active,
                    secret = coalesce(:secret, secret), updated_at = now()
                where workspace_id = :ws and id = :id
                """)
                .param("ws", ws)
                .param("id", id)
                .param("url", url)
                .param("types", textArray(eventTypes))
                .param("board", boardId)
                .param("active", active)
                .param("secret", secret)
                .update();
    }

    /** The webhooks scoped to a board. */
    List<Webhook> scopedTo(long ws, long boardId) {
        return jdbc.sql("select " + WEBHOOK_COLUMNS + " from webhooks where workspace_id = :ws and board_id = :board"
                        + " order by id for update")
                .param("ws", ws)
                .param("board", boardId)
                .query(WebhookRepository::webhook)
                .list();
    }

    int delete(long ws, long id) {
        return jdbc.sql("delete from webhooks where workspace_id = :ws and id = :id")
                .param("ws", ws)
                .param("id", id)
                .update();
    }

    List<WebhookDelivery> deliveries(long ws, long webhookId, int limit, long offset) {
        return jdbc.sql("select " + DELIVERY_COLUMNS + """
                 from webhook_deliveries where workspace_id = :ws and webhook_id = :hook
                order by id desc limit :limit offset :offset
                """)
                .param("ws", ws)
                .param("hook", webhookId)
                .param("limit", limit)
                .param("offset", offset)
                .query(WebhookRepository::delivery)
                .list();
    }

    long deliveryCount(long ws, long webhookId) {
        return jdbc.sql("select count(*) from webhook_deliveries where workspace_id = :ws and webhook_id = :hook")
                .param("ws", ws)
                .param("hook", webhookId)
                .query(Long.class)
                .single();
    }

    /** Queues a delivery again, with a fresh retry window. */
    Optional<WebhookDelivery> requeue(long ws, long webhookId, long deliveryId) {
        return jdbc.sql("update webhook_deliveries set status = 'pending', queued_at = now(), next_attempt_at = now()"
                        + " where workspace_id = :ws and webhook_id = :hook and id = :id returning " + DELIVERY_COLUMNS)
                .param("ws", ws)
                .param("hook", webhookId)
                .param("id", deliveryId)
                .query(WebhookRepository::delivery)
                .optional();
    }

    // ---- system: fan-out ----

    long cursor(boolean forUpdate) {
        return jdbc.sql("select position from webhook_cursor" + (forUpdate ? " for update" : ""))
                .query(Long.class)
                .single();
    }

    void moveCursor(long position) {
        jdbc.sql("update webhook_cursor set position = :p").param("p", position).update();
    }

    List<Subscriber> activeSubscribers() {
        return jdbc.sql("select id, workspace_id, event_types, board_id from webhooks where active order by id")
                .query((rs, n) -> new Subscriber(
                        rs.getLong("id"), rs.getLong("workspace_id"), strings(rs.getArray("event_types")), (Long)
                                rs.getObject("board_id")))
                .list();
    }

    int insertDelivery(long ws, long webhookId, long eventId, String eventType, String payload) {
        return jdbc.sql("""
                insert into webhook_deliveries (workspace_id, webhook_id, event_id, event_type, payload)
                values (:ws, :hook, :event, :type, cast(:payload as jsonb))
                on conflict (webhook_id, event_id) do nothing
                """)
                .param("ws", ws)
                .param("hook", webhookId)
                .param("event", eventId)
                .param("type", eventType)
                .param("payload", payload)
                .update();
    }

    // ---- system: sending ----

    /**
     * Claims due deliveries of active webhooks: counts the attempt and moves the next attempt past
     * the lease, so another sender (or this one after a restart) takes it up only if this attempt
     * never reports back. Fair across workspaces: each workspace's deliveries take turns (its first
     * due one, then its second, ...), at most {@code perWorkspace} of one workspace, none of the
     * {@code busy} workspaces. The status and due time are checked again on the locked row, so a
     * delivery another sender claimed meanwhile is not claimed twice.
     */
    List<Claimed> claimDue(int limit, int perWorkspace, Long[] busy, Duration lease) {
        return jdbc.sql("""
                update webhook_deliveries d
                set attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + cast(:lease as interval)
                from webhooks w
                where w.id = d.webhook_id and d.id in (
                    select due.id from webhook_deliveries due
                    where due.status = 'pending' and due.next_attempt_at <= now() and due.id in (
                        select ranked.id from (
                            select c.id, c.next_attempt_at,
                                   row_number() over (partition by c.workspace_id order by c.next_attempt_at, c.id) as turn
                            from webhook_deliveries c join webhooks hook on hook.id = c.webhook_id
                            where c.status = 'pending' and c.next_attempt_at <= now() and hook.active
                              and c.workspace_id <> all(:busy)) ranked
                        where ranked.turn <= :perWorkspace
                        order by ranked.turn, ranked.next_attempt_at, ranked.id
                        limit :limit)
                    for update of due skip locked)
                returning d.id, d.workspace_id, d.webhook_id, d.event_id, d.event_type, d.payload::text as payload,
                          d.attempts, d.queued_at, w.url, w.secret
                """)
                .param("limit", limit)
                .param("perWorkspace", perWorkspace)
                .param("busy", busy)
                .param("lease", lease.toMillis() + " milliseconds")
                .query((rs, n) -> new Claimed(
                        rs.getLong("id"),
                        rs.getLong("workspace_id"),
                        rs.getLong("webhook_id"),
                        rs.getLong("event_id"),
                        rs.getString("event_type"),
                        rs.getString("payload"),
                        rs.getInt("attempts"),
                        rs.getTimestamp("queued_at").toInstant(),
                        rs.getString("url"),
                        rs.getString("secret")))
                .list();
    }

    void delivered(long id, int responseCode, String excerpt) {
        jdbc.sql("""
                update webhook_deliveries set status = 'delivered', response_code = :code, last_error = null,
                    response_excerpt = :excerpt, delivered_at = now()
                where id = :id
                """)
                .param("id", id)
                .param("code", responseCode)
                .param("excerpt", excerpt)
                .update();
    }

    /** A failed attempt: retried at {@code nextAttempt}, or given up on when that is null. */
    void attemptFailed(long id, Integer responseCode, String error, Instant nextAttempt, String excerpt) {
        jdbc.sql("""
                update webhook_deliveries set response_code = :code, last_error = :error, response_excerpt = :excerpt,
                    status = case when cast(:next as timestamptz) is null then 'failed' else 'pending' end,
                    next_attempt_at = coalesce(cast(:next as timestamptz), next_attempt_at)
                where id = :id
                """)
                .param("id", id)
                .param("code", responseCode)
                .param("error", error)
                .param("excerpt", excerpt)
                .param("next", nextAttempt == null ? null : Timestamp.from(nextAttempt))
                .update();
    }

    private static String textArray(List<String> values) {
        if (values == null || values.isEmpty()) {
            return "{}";
        }
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"')
                    .append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return sb.append('}').toString();
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static Webhook webhook(ResultSet rs, int n) throws SQLException {
        return new Webhook(
                rs.getLong("id"),
                rs.getString("url"),
                strings(rs.getArray("event_types")),
                (Long) rs.getObject("board_id"),
                rs.getBoolean("active"),
                null,
                rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static WebhookDelivery delivery(ResultSet rs, int n) throws SQLException {
        String status = rs.getString("status");
        return new WebhookDelivery(
                rs.getLong("id"),
                rs.getLong("webhook_id"),
                rs.getLong("event_id"),
                rs.getString("event_type"),
                status,
                rs.getInt("attempts"),
                (Integer) rs.getObject("response_code"),
                rs.getString("last_error"),
                rs.getString("response_excerpt"),
                instant(rs, "queued_at"),
                instant(rs, "last_attempt_at"),
                "pending".equals(status) ? instant(rs, "next_attempt_at") : null,
                instant(rs, "delivered_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
