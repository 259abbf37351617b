package dev.agentkanban.notification;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the mail outbox (system transactions: mail is per person, across workspaces). */
@Repository
class EmailRepository {

    private final JdbcClient jdbc;

    EmailRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A notification not yet put into a mail, with its person's address and preference. */
    record Unmailed(
            long id,
            long userId,
            String username,
            String address,
            String preference,
            String kind,
            String actor,
            String title,
            String excerpt,
            Long taskId,
            Long boardId,
            long workspaceId,
            Instant createdAt) {}

    /**
     * Locks a batch of unmailed notifications (others skip them), oldest first. Passed over are those of
     * a digest reader who had a digest less than {@code digestEvery} ago: they wait for the next digest
     * without holding up anyone else's mail. A disabled person's preference reads {@code off}.
     */
    List<Unmailed> lockUnmailed(int limit, Duration digestEvery) {
        return jdbc.sql("""
                select n.id, n.user_id, u.username, u.email,
                       case when u.disabled then 'off' else coalesce(p.email, 'instant') end as preference,
                       n.kind, n.actor, n.title, n.excerpt, n.task_id, n.board_id, n.workspace_id, n.created_at
                from notifications n join users u on u.id = n.user_id
                left join notification_preferences p on p.user_id = n.user_id
                where n.mailed_at is null
                  and not (p.email = 'digest' and not u.disabled and exists (
                      select 1 from email_outbox o where o.user_id = n.user_id and o.kind = 'digest'
                      and o.created_at > now() - make_interval(secs => :every)))
                order by n.id
                limit :limit
                for update of n skip locked
                """)
                .param("limit", limit)
                .param("every", (double) digestEvery.toSeconds())
                .query((rs, n) -> new Unmailed(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getObject(10, Long.class),
                        rs.getObject(11, Long.class),
                        rs.getLong(12),
                        rs.getTimestamp(13).toInstant()))
                .list();
    }

    void markMailed(List<Long> ids) {
        if (!ids.isEmpty()) {
            jdbc.sql("update notifications set mailed_at = now() where id = any(:ids)")
                    .param("ids", ids.toArray(Long[]::new))
                    .update();
        }
    }

    long queue(long userId, String kind, String to, String subject, String body, List<Long> notificationIds) {
        return jdbc.sql("""
                insert into email_outbox (user_id, kind, to_address, subject, body, notification_ids)
                values (:u, :kind, :to, :subject, :body, :ids) returning id
                """)
                .param("u", userId)
                .param("kind", kind)
                .param("to", to)
                .param("subject", subject)
                .param("body", body)
                .param("ids", notificationIds.toArray(Long[]::new))
                .query(Long.class)
                .single();
    }

    /** Queues a mail that is not a notification; false when its idempotency key was queued before. */
    boolean queueMessage(String to, String subject, String body, String idempotencyKey) {
        return jdbc.sql("""
                        insert into email_outbox (kind, to_address, subject, body, idempotency_key)
                        values ('message', :to, :subject, :body, :key)
                        on conflict (idempotency_key) where idempotency_key is not null do nothing
                        """)
                        .param("to", to)
                        .param("subject", subject)
                        .param("body", body)
                        .param("key", idempotencyKey)
                        .update()
                == 1;
    }

    /** A mail claimed for sending ({@code userId} null: not a notification mail). */
    record Mail(long id, Long userId, String to, String subject, String body, int attempts) {}

    /** Claims due mails for {@code lease}: another instance takes one up only after the lease runs out. */
    List<Mail> claim(int limit, Duration lease) {
        return jdbc.sql("""
                update email_outbox set lease_until = now() + make_interval(secs => :lease), attempts = attempts + 1
                where id in (select id from email_outbox
                             where status = 'pending' and next_attempt_at <= now()
                               and (lease_until is null or lease_until < now())
                             order by id limit :limit for update skip locked)
                returning id, user_id, to_address, subject, body, attempts
                """)
                .param("lease", (double) lease.toSeconds())
                .param("limit", limit)
                .query((rs, n) -> new Mail(
                        rs.getLong(1),
                        rs.getObject(2, Long.class),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getInt(6)))
                .list();
    }

    void sent(long id) {
        jdbc.sql("update email_outbox set status = 'sent', sent_at = now(), lease_until = null, last_error = null"
                        + " where id = :id")
                .param("id", id)
                .update();
    }

    void failed(long id, String error, Instant next) {
        jdbc.sql("""
                update email_outbox set lease_until = null, last_error = :error,
                       status = case when cast(:next as timestamptz) is null then 'failed' else 'pending' end,
                       next_attempt_at = coalesce(cast(:next as timestamptz), next_attempt_at)
                where id = :id
                """)
                .param("id", id)
                .param("error", error.length() > 1000 ? error.substring(0, 1000) : error)
                .param("next", next == null ? null : Timestamp.from(next))
                .update();
    }
}
