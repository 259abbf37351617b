package dev.agentkanban.rule;

import dev.agentkanban.rule.RuleDefinition.Action;
import dev.agentkanban.rule.RuleDefinition.Conditions;
import dev.agentkanban.rule.RuleDefinition.Trigger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * SQL of the rules (V32): the rules themselves and their run log in tenant transactions, and the
 * fan-out's cursor and cross-workspace reads in system transactions (events/SystemTransactions).
 */
@Repository
class RuleRepository {

    private static final String RULE = """
            select id, board_id, name, enabled, disabled_reason, trigger::text as trigger, conditions::text as conditions,
                   actions::text as actions, version, created_by, created_at, updated_at, workspace_id
            from rules
            """;
    private static final String RUN = """
            select id, rule_id, event_id, task_id, due_at, depth, status, detail, queued_at, finished_at,
                   attempts, next_attempt_at
            from rule_runs
            """;
    private static final TypeReference<List<Action>> ACTIONS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    RuleRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    // ---- rules (tenant transactions) ----

    List<Rule> list(long ws, long boardId) {
        return jdbc.sql(RULE + " where workspace_id = :ws and board_id = :board order by id")
                .param("ws", ws)
                .param("board", boardId)
                .query(this::rule)
                .list();
    }

    Optional<Rule> find(long ws, long boardId, long id, boolean lock) {
        return jdbc.sql(RULE + " where workspace_id = :ws and board_id = :board and id = :id"
                        + (lock ? " for update" : ""))
                .param("ws", ws)
                .param("board", boardId)
                .param("id", id)
                .query(this::rule)
                .optional();
    }

    boolean nameTaken(long ws, long boardId, String name, Long except) {
        return jdbc.sql("""
                select exists (select 1 from rules where workspace_id = :ws and board_id = :board
                               and lower(name) = lower(:name) and id is distinct from :except)
                """)
                .param("ws", ws)
                .param("board", boardId)
                .param("name", name)
                .param("except", except)
                .query(Boolean.class)
                .single();
    }

    long insert(
            long ws, long boardId, String name, boolean enabled, RuleDefinition d, String actor, Instant createdAt) {
        return jdbc.sql("""
                insert into rules (workspace_id, board_id, name, enabled, trigger, conditions, actions, created_by,
                                   created_at, updated_at)
                values (:ws, :board, :name, :enabled, cast(:trigger as jsonb), cast(:conditions as jsonb),
                        cast(:actions as jsonb), :actor, coalesce(:at, now()), coalesce(:at, now()))
                returning id
                """)
                .param("ws", ws)
                .param("board", boardId)
                .param("name", name)
                .param("enabled", enabled)
                .param("trigger", json.writeValueAsString(d.trigger()))
                .param("conditions", json.writeValueAsString(d.conditions()))
                .param("actions", json.writeValueAsString(d.actions()))
                .param("actor", actor)
                .param("at", createdAt == null ? null : Timestamp.from(createdAt))
                .query(Long.class)
                .single();
    }

    void update(long ws, long id, String name, boolean enabled, String disabledReason, RuleDefinition d) {
        int n = jdbc.sql("""
                update rules set name = :name, enabled = :enabled, disabled_reason = :reason,
                       trigger = cast(:trigger as jsonb),
                       conditions = cast(:conditions as jsonb), actions = cast(:actions as jsonb),
                       version = version + 1, updated_at = now()
                where workspace_id = :ws and id = :id
                """)
                .param("ws", ws)
                .param("id", id)
                .param("name", name)
                .param("enabled", enabled)
                .param("reason", disabledReason)
                .param("trigger", json.writeValueAsString(d.trigger()))
                .param("conditions", json.writeValueAsString(d.conditions()))
                .param("actions", json.writeValueAsString(d.actions()))
                .update();
        if (n != 1) {
            throw new IllegalStateException("rule " + id + " vanished under its lock");
        }
    }

    /** Switches a rule off for the reason given (the server's doing, not a person's). */
    void disable(long ws, long id, String reason) {
        jdbc.sql("""
                update rules set enabled = false, disabled_reason = :reason, version = version + 1, updated_at = now()
                where workspace_id = :ws and id = :id
                """)
                .param("ws", ws)
                .param("id", id)
                .param("reason", reason.length() <= 500 ? reason : reason.substring(0, 500))
                .update();
    }

    void delete(long ws, long id) {
        jdbc.sql("delete from rules where workspace_id = :ws and id = :id")
                .param("ws", ws)
                .param("id", id)
                .update();
    }

    List<RuleRun> runs(long ws, long ruleId, int limit, long offset) {
        return jdbc.sql(RUN
                        + " where workspace_id = :ws and rule_id = :rule order by id desc limit :limit offset :offset")
                .param("ws", ws)
                .param("rule", ruleId)
                .param("limit", limit)
                .param("offset", offset)
                .query(this::run)
                .list();
    }

    long countRuns(long ws, long ruleId) {
        return jdbc.sql("select count(*) from rule_runs where workspace_id = :ws and rule_id = :rule")
                .param("ws", ws)
                .param("rule", ruleId)
                .query(Long.class)
                .single();
    }

    // ---- the engine ----

    /** A rule with its workspace, for system work. */
    record Enabled(long workspaceId, Rule rule) {}

    /** Every enabled rule of every workspace (system transaction): the fan-out matches events against them. */
    List<Enabled> enabledRules() {
        return jdbc.sql(RULE + " where enabled order by id")
                .query(this::enabled)
                .list();
    }

    /** Every enabled rule with the given trigger type (system transaction). */
    List<Enabled> enabledRules(String triggerType) {
        return jdbc.sql(RULE + " where enabled and trigger->>'type' = :type order by id")
                .param("type", triggerType)
                .query(this::enabled)
                .list();
    }

    private Enabled enabled(ResultSet rs, int n) throws SQLException {
        return new Enabled(rs.getLong("workspace_id"), rule(rs, n));
    }

    /** The board of a task, if it still exists (system transaction): a parent's, for children_done rules. */
    Optional<Long> boardOfTask(long taskId) {
        return jdbc.sql("select board_id from tasks where id = :id")
                .param("id", taskId)
                .query(Long.class)
                .optional();
    }

    /** The fan-out's position; {@code lock} takes the row's lock, so instances take turns (system transaction). */
    long cursor(boolean lock) {
        return jdbc.sql("select position from rule_cursor" + (lock ? " for update" : ""))
                .query(Long.class)
                .single();
    }

    void moveCursor(long position) {
        jdbc.sql("update rule_cursor set position = :p").param("p", position).update();
    }

    /** Records a run of a rule for an event; a second insert for the same rule and event changes nothing. */
    int insertEventRun(long ws, long ruleId, long eventId, long taskId, int depth, String status, String detail) {
        return jdbc.sql("""
                insert into rule_runs (workspace_id, rule_id, event_id, task_id, depth, status, detail, finished_at)
                values (:ws, :rule, :event, :task, :depth, :status, :detail,
                        case when :status = 'pending' then null else now() end)
                on conflict (rule_id, event_id) where event_id is not null do nothing
                """)
                .param("ws", ws)
                .param("rule", ruleId)
                .param("event", eventId)
                .param("task", taskId)
                .param("depth", depth)
                .param("status", status)
                .param("detail", detail)
                .update();
    }

    /**
     * Claims "due date passed" for a rule, task and due date: once, whoever asks (tenant transaction).
     * A due date a rule set (the task's last due-date history row is a rule's) continues that rule
     * chain: the run's depth is one more than the deepest due-date run on the task so far, so a rule
     * that pushes the due date forward stops at {@code maxDepth} like any loop (recorded as
     * {@code stopped}) instead of firing at every scan for ever. A person's due date starts at depth 1.
     */
    int insertDueRun(long ws, long ruleId, long taskId, Instant dueAt, int maxDepth) {
        return jdbc.sql("""
                with chain as (
                    select 1 + case when (select h.actor from task_history h
                                          where h.workspace_id = :ws and h.task_id = :task and h.field = 'due_date'
                                          order by h.id desc limit 1) like 'rule:%'
                                    then coalesce((select max(r.depth) from rule_runs r
                                                   where r.workspace_id = :ws and r.task_id = :task
                                                     and r.due_at is not null), 0)
                                    else 0 end as depth)
                insert into rule_runs (workspace_id, rule_id, task_id, due_at, depth, status, detail, finished_at)
                select :ws, :rule, :task, :due, c.depth,
                       case when c.depth > :max then 'stopped' else 'pending' end,
                       case when c.depth > :max then 'loop limit: the due date was set by a chain of '
                            || (c.depth - 1) || ' rule runs, the most allowed (kanban.rules.max-depth) is ' || :max end,
                       case when c.depth > :max then now() end
                from chain c
                on conflict (rule_id, task_id, due_at) where due_at is not null do nothing
                """)
                .param("ws", ws)
                .param("rule", ruleId)
                .param("task", taskId)
                .param("due", Timestamp.from(dueAt))
                .param("max", maxDepth)
                .update();
    }

    record Pending(long id, long workspaceId, String ruleName) {}

    /** The oldest pending runs of every workspace (system transaction). */
    List<Pending> pending(int limit) {
        return jdbc.sql("""
                select r.id, r.workspace_id, u.name from rule_runs r join rules u on u.id = r.rule_id
                where r.status = 'pending' and (r.next_attempt_at is null or r.next_attempt_at <= now())
                order by r.id limit :limit
                """)
                .param("limit", limit)
                .query((rs, n) -> new Pending(rs.getLong(1), rs.getLong(2), rs.getString(3)))
                .list();
    }

    record Claimed(RuleRun run, Rule rule) {}

    /**
     * Locks a pending run for this transaction, or nothing when another instance holds it or it is no
     * longer pending (tenant transaction): the run's status then changes in the transaction that
     * applies its actions.
     */
    Optional<Claimed> claim(long ws, long runId) {
        Optional<RuleRun> run = jdbc.sql(
                        RUN + " where workspace_id = :ws and id = :id and status = 'pending' for update skip locked")
                .param("ws", ws)
                .param("id", runId)
                .query(this::run)
                .optional();
        return run.flatMap(r -> jdbc.sql(RULE + " where workspace_id = :ws and id = :id")
                .param("ws", ws)
                .param("id", r.ruleId())
                .query(this::rule)
                .optional()
                .map(rule -> new Claimed(r, rule)));
    }

    void finish(long ws, long runId, String status, String detail) {
        jdbc.sql("""
                update rule_runs set status = :status, detail = :detail, finished_at = now()
                where workspace_id = :ws and id = :id and status = 'pending'
                """)
                .param("ws", ws)
                .param("id", runId)
                .param("status", status)
                .param("detail", detail == null || detail.length() <= 1000 ? detail : detail.substring(0, 1000))
                .update();
    }

    /**
     * Deletes up to {@code limit} runs finished before {@code cutoff} (system transaction), keeping a
     * "due date passed" run while its task still has that due date (the run is the scan's claim).
     */
    int deleteFinishedRuns(Instant cutoff, int limit) {
        return jdbc.sql("""
                delete from rule_runs where id in (
                    select r.id from rule_runs r
                    where r.status <> 'pending' and r.finished_at < :cutoff
                      and (r.due_at is null
                           or not exists (select 1 from tasks t where t.id = r.task_id and t.due_date = r.due_at))
                    order by r.id limit :limit)
                """)
                .param("cutoff", Timestamp.from(cutoff))
                .param("limit", limit)
                .update();
    }

    /**
     * Counts a failed attempt of a pending run (tenant transaction): it waits {@code backoff} before the
     * next, or, at the last attempt, is marked failed with {@code reason}. Answers the run's status
     * (empty when it is no longer pending).
     */
    Optional<String> attemptFailed(long ws, long runId, int maxAttempts, Duration backoff, String reason) {
        Optional<Integer> before = jdbc.sql(
                        "select attempts from rule_runs where workspace_id = :ws and id = :id and status = 'pending' for update")
                .param("ws", ws)
                .param("id", runId)
                .query(Integer.class)
                .optional();
        return before.map(done -> {
            int attempt = done + 1;
            boolean last = attempt >= maxAttempts;
            Duration wait = backoff.multipliedBy(1L << Math.min(done, 20));
            String detail = last
                    ? "failed " + attempt + " times, gave up: " + reason
                    : "attempt " + attempt + " of " + maxAttempts + " failed, next in " + wait.toSeconds() + " s: "
                            + reason;
            jdbc.sql("""
                    update rule_runs set attempts = :attempt, status = :status, detail = :detail,
                           next_attempt_at = case when :last then null else now() + :wait * interval '1 millisecond' end,
                           finished_at = case when :last then now() end
                    where workspace_id = :ws and id = :id
                    """)
                    .param("attempt", attempt)
                    .param("status", last ? "failed" : "pending")
                    .param("detail", detail.length() <= 1000 ? detail : detail.substring(0, 1000))
                    .param("last", last)
                    .param("wait", wait.toMillis())
                    .param("ws", ws)
                    .param("id", runId)
                    .update();
            return last ? "failed" : "pending";
        });
    }

    /** Makes this transaction's events carry the depth of the rule chain (V32's default of outbox_events.rule_depth). */
    void markDepth(int depth) {
        jdbc.sql("select set_config('kanban.rule_depth', :d, true)")
                .param("d", Integer.toString(depth))
                .query((rs, n) -> 1)
                .single();
    }

    private Rule rule(ResultSet rs, int n) throws SQLException {
        return new Rule(
                rs.getLong("id"),
                rs.getLong("board_id"),
                rs.getString("name"),
                rs.getBoolean("enabled"),
                rs.getString("disabled_reason"),
                json.readValue(rs.getString("trigger"), Trigger.class),
                json.readValue(rs.getString("conditions"), Conditions.class),
                json.readValue(rs.getString("actions"), ACTIONS),
                rs.getLong("version"),
                rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private RuleRun run(ResultSet rs, int n) throws SQLException {
        Timestamp due = rs.getTimestamp("due_at");
        Timestamp finished = rs.getTimestamp("finished_at");
        Timestamp next = rs.getTimestamp("next_attempt_at");
        return new RuleRun(
                rs.getLong("id"),
                rs.getLong("rule_id"),
                (Long) rs.getObject("event_id"),
                rs.getLong("task_id"),
                due == null ? null : due.toInstant(),
                rs.getInt("depth"),
                rs.getString("status"),
                rs.getString("detail"),
                rs.getTimestamp("queued_at").toInstant(),
                finished == null ? null : finished.toInstant(),
                rs.getInt("attempts"),
                next == null ? null : next.toInstant());
    }
}
