package dev.agentkanban.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** SQL over the outbox. Reads take an upper bound, the feed horizon: nothing above it is final yet. */
@Repository
class EventRepository {

    private static final String COLUMNS =
            "id, workspace_id, type, board_id, task_id, actor, occurred_at, payload, rule_depth";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    EventRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A workspace's events after {@code after} up to {@code through}, in id order (tenant transaction). */
    /**
     * Whether the feed knows the board in the workspace: it exists, or has events here (a deleted
     * board's events stay readable).
     */
    boolean knowsBoard(long workspaceId, long boardId) {
        return jdbc.sql("""
                        select exists (select 1 from boards where id = :board and workspace_id = :ws)
                            or exists (select 1 from outbox_events where workspace_id = :ws and board_id = :board)
                        """)
                .param("ws", workspaceId)
                .param("board", boardId)
                .query(Boolean.class)
                .single();
    }

    List<ChangeEvent> workspaceEvents(long workspaceId, long after, long through, Long boardId, int limit) {
        return jdbc.sql("select " + COLUMNS
                        + " from outbox_events where workspace_id = :ws and id > :after and id <= :through"
                        + (boardId == null ? "" : " and board_id = :board") + " order by id limit :limit")
                .param("ws", workspaceId)
                .param("after", after)
                .param("through", through)
                .param("board", boardId)
                .param("limit", limit)
                .query(this::event)
                .list();
    }

    /** Every workspace's events after {@code after} up to {@code through}, in id order (system transaction). */
    List<ChangeEvent> allEvents(long after, long through, int limit) {
        return jdbc.sql("select " + COLUMNS
                        + " from outbox_events where id > :after and id <= :through order by id limit :limit")
                .param("after", after)
                .param("through", through)
                .param("limit", limit)
                .query(this::event)
                .list();
    }

    /**
     * One dispatcher round in one call ({@code outbox_round}, V67): a new look at the outbox's horizon
     * (see FeedHorizon) and every workspace's events after {@code after} up to the horizon that look
     * proves together with the instance's {@code proven} horizon and its {@code pending} candidates
     * (drawn ids and the next xid read after each), at most {@code limit}, in id order.
     */
    Round round(long after, int limit, long proven, Long[] pendingDrawn, Long[] pendingNext) {
        return jdbc.sql("select * from outbox_round(?, ?, ?, ?, ?)")
                .params(after, limit, proven, pendingDrawn, pendingNext)
                .query(rs -> {
                    rs.next(); // one row at least: without events, one whose id is null
                    Round round = new Round(
                            rs.getLong("drawn"),
                            rs.getLong("oldest_running"),
                            rs.getLong("next_xid"),
                            rs.getLong("through"),
                            new ArrayList<>());
                    if (rs.getObject("id") != null) {
                        int n = 0;
                        do {
                            round.events().add(event(rs, n++));
                        } while (rs.next());
                    }
                    return round;
                });
    }

    /** What {@link #round} answered: the look (drawn id, oldest running xid, next xid), its horizon, the events. */
    record Round(long drawn, long oldestRunning, long nextXid, long through, List<ChangeEvent> events) {}

    /** The highest id the retention job deleted, if it ever deleted anything. */
    Optional<Long> purgedThrough() {
        return jdbc.sql("select purged_through from outbox_retention")
                .query(Long.class)
                .optional();
    }

    /** The highest final id of an event that occurred before the cutoff (system transaction). */
    Optional<Long> lastIdBefore(java.time.Instant cutoff, long through) {
        // max() over no rows is one row holding null, which single() refuses ("Result value is null")
        return jdbc.sql("select max(id) from outbox_events where occurred_at < :cutoff and id <= :through")
                .param("cutoff", java.sql.Timestamp.from(cutoff))
                .param("through", through)
                .query(Long.class)
                .optional();
    }

    /** Deletes up to {@code batch} of the oldest events at or below {@code through}; returns how many (system transaction). */
    int deleteThrough(long through, int batch) {
        return jdbc.sql("""
                delete from outbox_events where id in (
                    select id from outbox_events where id <= :through order by id limit :batch)
                """).param("through", through).param("batch", batch).update();
    }

    void markPurged(long through) {
        jdbc.sql("""
                insert into outbox_retention (purged_through) values (:through)
                on conflict (singleton) do update
                    set purged_through = greatest(outbox_retention.purged_through, excluded.purged_through), purged_at = now()
                """).param("through", through).update();
    }

    private ChangeEvent event(ResultSet rs, int n) throws SQLException {
        return new ChangeEvent(
                rs.getLong("id"),
                rs.getLong("workspace_id"),
                rs.getString("type"),
                (Long) rs.getObject("board_id"),
                (Long) rs.getObject("task_id"),
                rs.getString("actor"),
                rs.getTimestamp("occurred_at").toInstant(),
                json.readTree(rs.getString("payload")),
                rs.getInt("rule_depth"));
    }
}
