package dev.agentkanban.identity;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.CsvCells;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security log ({@code identity_audit}): sign-ins and their failures, tokens created and revoked,
 * role changes, two-factor enrolment, SSO users provisioned, password changes, sessions ended: each
 * with its actor, the address of the request and the time. Admins browse and export it; rows older
 * than {@code SECURITY_LOG_RETENTION_DAYS} are deleted by one instance at a time.
 */
@Component
class SecurityLog {

    private static final Logger log = LoggerFactory.getLogger(SecurityLog.class);
    private static final int BATCH = 5000;
    /** The advisory lock key the purge holds for its transaction: one instance purges at a time. */
    static final long PURGE_LOCK = 0x5ec_1097L;

    /** One entry as admins read it. */
    record Entry(
            long id,
            Instant at,
            String action,
            Long actorUserId,
            String actor,
            Long subjectUserId,
            String subject,
            Long workspaceId,
            String address,
            JsonNode detail) {}

    /** What to list: all optional; a workspace admin's view is pinned to their workspace. */
    record Filter(String action, Long userId, Long workspaceId, Instant since, Instant until) {}

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final TransactionTemplate tx;
    private final Duration retention;
    private final Clock clock = Clock.systemUTC();

    SecurityLog(
            JdbcClient jdbc,
            JsonMapper json,
            TransactionTemplate tx,
            @Value("${kanban.security-log.retention-days:365}") int retentionDays) {
        this.jdbc = jdbc;
        this.json = json;
        this.tx = tx;
        this.retention = Duration.ofDays(retentionDays);
    }

    /** The address of the running request (as the forwarded-header handling resolved it), or null. */
    static String currentAddress() {
        HttpServletRequest request = currentRequest();
        if (request == null) {
            return null;
        }
        String a = request.getRemoteAddr();
        return a == null || a.length() > 100 ? null : a;
    }

    static HttpServletRequest currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes s
                ? s.getRequest()
                : null;
    }

    /** Records an event in the running transaction (or on its own when there is none). */
    void record(Long actor, String action, Long subject, Long workspace, Map<String, ?> detail) {
        jdbc.sql("""
                insert into identity_audit (actor_user_id, action, subject_user_id, workspace_id, detail, address)
                values (:a, :act, :s, :w, cast(:d as jsonb), :addr)
                """)
                .param("a", actor)
                .param("act", action)
                .param("s", subject)
                .param("w", workspace)
                .param("d", json.writeValueAsString(detail == null ? Map.of() : detail))
                .param("addr", currentAddress())
                .update();
    }

    Page<Entry> list(Filter filter, PageRequest page) {
        String where = where(filter);
        List<Entry> items = bind(
                        jdbc.sql(SELECT + where + " order by a.at desc, a.id desc limit :limit offset :offset"), filter)
                .param("limit", page.limit())
                .param("offset", page.offset())
                .query(this::entry)
                .list();
        long total = bind(jdbc.sql("select count(*) from identity_audit a" + where), filter)
                .query(Long.class)
                .single();
        return new Page<>(items, total, page.limit(), page.offset());
    }

    /** Every entry matching the filter, oldest first, at most {@code max} (the export). */
    List<Entry> export(Filter filter, int max) {
        return bind(jdbc.sql(SELECT + where(filter) + " order by a.at, a.id limit :max"), filter)
                .param("max", max)
                .query(this::entry)
                .list();
    }

    private static final String SELECT = """
            select a.id, a.at, a.action, a.actor_user_id, au.username as actor, a.subject_user_id,
                   su.username as subject, a.workspace_id, a.address, a.detail::text as detail
            from identity_audit a left join users au on au.id = a.actor_user_id
            left join users su on su.id = a.subject_user_id""";

    private static String where(Filter f) {
        List<String> c = new ArrayList<>();
        if (f.action() != null) {
            c.add("a.action = :action");
        }
        if (f.userId() != null) {
            c.add("(a.actor_user_id = :user or a.subject_user_id = :user)");
        }
        if (f.workspaceId() != null) {
            c.add("a.workspace_id = :ws");
        }
        if (f.since() != null) {
            c.add("a.at >= :since");
        }
        if (f.until() != null) {
            c.add("a.at < :until");
        }
        return c.isEmpty() ? "" : " where " + String.join(" and ", c);
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec, Filter f) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (f.action() != null) {
            p.put("action", f.action());
        }
        if (f.userId() != null) {
            p.put("user", f.userId());
        }
        if (f.workspaceId() != null) {
            p.put("ws", f.workspaceId());
        }
        if (f.since() != null) {
            p.put("since", f.since().atOffset(ZoneOffset.UTC));
        }
        if (f.until() != null) {
            p.put("until", f.until().atOffset(ZoneOffset.UTC));
        }
        return spec.params(p);
    }

    private Entry entry(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Entry(
                rs.getLong("id"),
                rs.getObject("at", OffsetDateTime.class).toInstant(),
                rs.getString("action"),
                (Long) rs.getObject("actor_user_id"),
                rs.getString("actor"),
                (Long) rs.getObject("subject_user_id"),
                rs.getString("subject"),
                (Long) rs.getObject("workspace_id"),
                rs.getString("address"),
                json.readTree(rs.getString("detail")));
    }

    /** The export as CSV (RFC 4180); cells that a spreadsheet would run as a formula get an apostrophe. */
    static String csv(List<Entry> entries) {
        StringBuilder out = new StringBuilder(
                "id,at,action,actor_user_id,actor,subject_user_id,subject,workspace_id,address,detail\r\n");
        for (Entry e : entries) {
            Object[] row = {
                e.id(),
                e.at(),
                e.action(),
                e.actorUserId(),
                e.actor(),
                e.subjectUserId(),
                e.subject(),
                e.workspaceId(),
                e.address(),
                e.detail()
            };
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(CsvCells.text(row[i] == null ? "" : row[i].toString()));
            }
            out.append("\r\n");
        }
        return out.toString();
    }

    static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.invalid(field, "must be an ISO-8601 date-time with offset, e.g. 2026-01-31T00:00:00Z");
        }
    }

    @Scheduled(
            fixedDelayString = "${kanban.security-log.retention-check:PT6H}",
            initialDelayString = "${kanban.security-log.retention-initial-delay:PT7M}")
    void scheduled() {
        purge();
    }

    /**
     * Deletes entries older than the retention period in batches. Each batch's transaction first takes
     * a transaction-scoped advisory lock without waiting: while another instance purges, this one
     * skips the run (-1), so instances never delete the same rows twice or block each other.
     */
    long purge() {
        OffsetDateTime cutoff = clock.instant().minus(retention).atOffset(ZoneOffset.UTC);
        long deleted = 0;
        while (true) {
            Integer n = tx.execute(s -> {
                boolean mine = jdbc.sql("select pg_try_advisory_xact_lock(:k)")
                        .param("k", PURGE_LOCK)
                        .query(Boolean.class)
                        .single();
                if (!mine) {
                    return null;
                }
                return jdbc.sql("""
                        delete from identity_audit where id in
                            (select id from identity_audit where at < :cutoff order by at, id limit :batch)
                        """)
                        .param("cutoff", cutoff)
                        .param("batch", BATCH)
                        .update();
            });
            if (n == null) {
                return deleted == 0 ? -1 : deleted;
            }
            deleted += n;
            if (n < BATCH) {
                break;
            }
        }
        if (deleted > 0) {
            log.info("deleted {} security log entries older than {}", deleted, cutoff);
        }
        return deleted;
    }
}
