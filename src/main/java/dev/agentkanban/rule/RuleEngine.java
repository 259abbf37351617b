package dev.agentkanban.rule;

import dev.agentkanban.events.ChangeEvent;
import dev.agentkanban.events.ChangeFeed;
import dev.agentkanban.events.ChangeStream;
import dev.agentkanban.events.SystemTransactions;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.DueWork;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.platform.WakeableLoop;
import dev.agentkanban.rule.RuleActions.Outcome;
import dev.agentkanban.rule.RuleDefinition.TriggerType;
import dev.agentkanban.rule.RuleRepository.Claimed;
import dev.agentkanban.rule.RuleRepository.Enabled;
import dev.agentkanban.rule.RuleRepository.Pending;
import dev.agentkanban.task.TaskFilter;
import dev.agentkanban.task.TaskQueries;
import dev.agentkanban.task.TaskView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs the automation rules from the durable outbox, on every instance at once, each rule at most once
 * per event.
 *
 * <p>Fan-out: follows the outbox with the change feed's gap-free cursor and, in one system transaction
 * holding the cursor row's lock (instances take turns), records a run per matching rule and event
 * ({@code unique (rule_id, event_id)}: a redelivered event adds nothing) and advances the cursor. An
 * event caused by a chain of {@code max-depth} rule runs records its runs as {@code stopped} instead:
 * the loop limit, visible in each rule's run log.
 *
 * <p>Running: each pending run is claimed ({@code FOR UPDATE SKIP LOCKED}, still pending) in a tenant
 * transaction bound to the run's workspace with the actor {@code rule:<name>}; the rule's actions go
 * through the features' APIs in that same transaction, which also sets the run's status and marks
 * every event it appends with the chain's depth. A crash before the commit leaves the run pending (it
 * runs again: at least once); after the commit it is not pending any more (never twice). An action the
 * features refuse (a WIP limit, a claim, a blocker) rolls the whole run back and records it as failed.
 * Any other failure (a database error, a bug) rolls it back too; the run is tried again after a doubling
 * backoff ({@code kanban.rules.retry-backoff}) and, after {@code kanban.rules.max-attempts}, recorded as
 * failed with the reason.
 *
 * <p>"Due date passed": a scheduled scan lists each such rule's board's overdue tasks and claims a run
 * per rule, task and due date ({@code unique (rule_id, task_id, due_at)}), so several instances
 * scanning at once create one run, and a new due date fires again.
 */
@Component
class RuleEngine implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RuleEngine.class);
    private static final int BATCH = 500;
    private static final int RUNS = 50;

    private final ChangeFeed feed;
    private final SystemTransactions system;
    private final Transactions tx;
    private final RuleRepository repo;
    private final RuleActions actions;
    private final TaskQueries queries;
    private final Duration pollInterval;
    private final int maxDepth;
    private final int maxAttempts;
    private final Duration retryBackoff;
    private final WakeableLoop loop = new WakeableLoop();
    private final ChangeFeed.DurableCursor cursor = ChangeFeed.DurableCursor.of(this::cursorAt, this::moveCursor);
    private final ChangeStream.Handed handed;
    private final DueWork pending;

    RuleEngine(
            ChangeFeed feed,
            ChangeStream stream,
            SystemTransactions system,
            Transactions tx,
            RuleRepository repo,
            RuleActions actions,
            TaskQueries queries,
            @Value("${kanban.rules.poll-interval:PT1S}") Duration pollInterval,
            @Value("${kanban.rules.max-depth:5}") int maxDepth,
            @Value("${kanban.rules.max-attempts:5}") int maxAttempts,
            @Value("${kanban.rules.retry-backoff:PT5S}") Duration retryBackoff) {
        this.feed = feed;
        this.system = system;
        this.tx = tx;
        this.repo = repo;
        this.actions = actions;
        this.queries = queries;
        this.pollInterval = pollInterval;
        this.maxDepth = maxDepth;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.retryBackoff = retryBackoff;
        this.handed = stream.follow(loop::wake, BATCH);
        this.pending = new DueWork(pollInterval);
    }

    int maxDepth() {
        return maxDepth;
    }

    void wake() {
        pending.ask();
        loop.wake();
    }

    @Override
    public void start() {
        loop.start(
                "rule-engine",
                () -> loop.repeat(
                        () -> {
                            handed.pace();
                            // pending runs: when this round recorded some, when asked (a due scan), and
                            // every poll interval; not on every round of events that match no rule
                            pending.runIf(fanOut() > 0, this::runPending);
                            loop.await(pollInterval);
                        },
                        pollInterval,
                        log,
                        "rule work failed"));
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }

    /** Turns new outbox events into runs; returns how many runs it recorded. */
    int fanOut() {
        return fanOut(handed.take());
    }

    /** As {@link #fanOut()}, with {@code span} as what the dispatcher handed (null: nothing). */
    int fanOut(ChangeStream.Span span) {
        return feed.followDurably(cursor, span, BATCH, events -> {
            Map<Long, List<Rule>> byBoard =
                    repo.enabledRules().stream().map(Enabled::rule).collect(Collectors.groupingBy(Rule::boardId));
            boolean anyChildrenDone = byBoard.values().stream()
                    .flatMap(List::stream)
                    .anyMatch(r -> r.trigger().type() == TriggerType.CHILDREN_DONE);
            int n = 0;
            for (ChangeEvent e : events) {
                // a children_done rule belongs to the parent's board, which may not be the subtask's
                OptionalLong parent = anyChildrenDone ? RuleMatch.completedSubtask(e) : OptionalLong.empty();
                Long parentBoard = parent.isPresent()
                        ? repo.boardOfTask(parent.getAsLong()).orElse(null)
                        : null;
                Set<Rule> candidates = new LinkedHashSet<>(byBoard.getOrDefault(e.boardId(), List.of()));
                if (parentBoard != null) {
                    candidates.addAll(byBoard.getOrDefault(parentBoard, List.of()));
                }
                for (Rule rule : candidates) {
                    n += record(rule, e, parentBoard);
                }
            }
            return n;
        });
    }

    private int record(Rule rule, ChangeEvent e, Long parentBoard) {
        OptionalLong target = RuleMatch.target(rule, e, parentBoard);
        if (target.isEmpty()) {
            return 0;
        }
        int depth = e.ruleDepth() + 1;
        if (depth > maxDepth) {
            String why = "loop limit: event " + e.eventId() + " (" + e.type() + ") was caused by a chain of "
                    + e.ruleDepth() + " rule runs, the most allowed (kanban.rules.max-depth) is " + maxDepth;
            return repo.insertEventRun(
                    e.workspaceId(), rule.id(), e.eventId(), target.getAsLong(), depth, "stopped", why);
        }
        return repo.insertEventRun(e.workspaceId(), rule.id(), e.eventId(), target.getAsLong(), depth, "pending", null);
    }

    /** Runs every pending run (of every workspace), oldest first; returns how many this call finished. */
    int runPending() {
        int finished = 0;
        List<Pending> pending;
        do {
            pending = system.read(() -> repo.pending(RUNS));
            for (Pending p : pending) {
                finished += run(p) ? 1 : 0;
            }
        } while (pending.size() == RUNS && loop.running());
        return finished;
    }

    /** Runs one pending run; false when another instance has it or had it. */
    boolean run(Pending p) {
        RequestContext ctx = new RequestContext(p.workspaceId(), Rule.actor(p.ruleName()), Role.MEMBER);
        try {
            return CurrentRequest.runAs(
                    ctx,
                    () -> tx.write(() -> {
                        var claimed = repo.claim(p.workspaceId(), p.id());
                        if (claimed.isEmpty()) {
                            return false;
                        }
                        Claimed c = claimed.get();
                        repo.markDepth(c.run().depth());
                        Outcome outcome = actions.run(c.rule(), c.run());
                        repo.finish(
                                p.workspaceId(), p.id(), outcome.applied() ? "applied" : "skipped", outcome.detail());
                        return true;
                    }));
        } catch (ApiException refused) {
            // everything the run did was rolled back: record why, once
            String detail =
                    "refused (" + refused.status().value() + " " + refused.type() + "): " + refused.getMessage();
            CurrentRequest.runAs(ctx, () -> tx.write(() -> repo.finish(p.workspaceId(), p.id(), "failed", detail)));
            return true;
        } catch (RuntimeException broken) {
            // not the rule's fault (a database error, a bug): rolled back too, retried with a backoff a
            // bounded number of times; if this cannot be recorded either, the loop logs it and comes back
            String reason = broken.getClass().getSimpleName() + ": " + broken.getMessage();
            String status = CurrentRequest.runAs(
                    ctx,
                    () -> tx.write(() -> repo.attemptFailed(p.workspaceId(), p.id(), maxAttempts, retryBackoff, reason)
                            .orElse("gone")));
            log.warn("rule run {} of rule {} failed ({}): {}", p.id(), p.ruleName(), status, reason);
            return "failed".equals(status);
        }
    }

    /** Claims a run for each overdue task of each "due date passed" rule; returns how many it claimed. */
    @Scheduled(
            fixedDelayString = "${kanban.rules.due-scan:PT1M}",
            initialDelayString = "${kanban.rules.due-scan-initial-delay:PT30S}")
    int scanDue() {
        int claimed = 0;
        List<Enabled> rules = system.read(() -> repo.enabledRules(TriggerType.DUE_DATE_PASSED.wire()));
        for (Enabled e : rules) {
            RequestContext ctx = new RequestContext(e.workspaceId(), e.rule().actor(), Role.MEMBER);
            claimed += CurrentRequest.runAs(
                    ctx,
                    () -> tx.write(() -> {
                        int n = 0;
                        List<TaskView> overdue = new ArrayList<>(queries.list(
                                        TaskFilter.overdueOn(e.rule().boardId()),
                                        new PageRequest(PageRequest.MAX_LIMIT, 0))
                                .items());
                        for (TaskView t : overdue) {
                            n += repo.insertDueRun(e.workspaceId(), e.rule().id(), t.id(), t.dueDate(), maxDepth);
                        }
                        return n;
                    }));
        }
        if (claimed > 0) {
            wake();
        }
        return claimed;
    }

    private long cursorAt(boolean lock) {
        return repo.cursor(lock);
    }

    private void moveCursor(long position) {
        repo.moveCursor(position);
    }
}
