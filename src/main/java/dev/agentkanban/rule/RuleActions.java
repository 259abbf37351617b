package dev.agentkanban.rule;

import dev.agentkanban.comment.Comments;
import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.history.HistoryLog;
import dev.agentkanban.rule.RuleDefinition.Action;
import dev.agentkanban.rule.RuleDefinition.Conditions;
import dev.agentkanban.rule.RuleDefinition.TriggerType;
import dev.agentkanban.tag.Tag;
import dev.agentkanban.tag.Tags;
import dev.agentkanban.task.Checklists;
import dev.agentkanban.task.TaskAssignees;
import dev.agentkanban.task.TaskPatch;
import dev.agentkanban.task.TaskQueries;
import dev.agentkanban.task.TaskRefs;
import dev.agentkanban.task.TaskRequests.AddChecklistItem;
import dev.agentkanban.task.TaskRequests.MoveTask;
import dev.agentkanban.task.TaskStatus;
import dev.agentkanban.task.TaskView;
import dev.agentkanban.task.Tasks;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Carries out a rule's actions on a task through each feature's own API (so every change is checked,
 * versioned, written to the history and announced like any other), inside the run's transaction and
 * as the rule's actor. Answers what it did, or why it did nothing (the conditions).
 */
@Component
class RuleActions {

    private final Tasks tasks;
    private final TaskAssignees assignees;
    private final TaskQueries queries;
    private final TaskRefs refs;
    private final Tags tags;
    private final Checklists checklists;
    private final Comments comments;
    private final Outbox outbox;
    private final HistoryLog history;
    private final Clock clock;

    RuleActions(
            Tasks tasks,
            TaskAssignees assignees,
            TaskQueries queries,
            TaskRefs refs,
            Tags tags,
            Checklists checklists,
            Comments comments,
            Outbox outbox,
            HistoryLog history) {
        this.tasks = tasks;
        this.assignees = assignees;
        this.queries = queries;
        this.refs = refs;
        this.tags = tags;
        this.checklists = checklists;
        this.comments = comments;
        this.outbox = outbox;
        this.history = history;
        this.clock = Clock.systemUTC();
    }

    /** The outcome of a run: applied (with what was done) or skipped (with why). */
    record Outcome(boolean applied, String detail) {}

    /** Checks the conditions on the task as it is now and, when they hold, applies every action in order. */
    Outcome run(Rule rule, RuleRun run) {
        Optional<TaskView> found = current(run.taskId());
        if (found.isEmpty()) {
            return new Outcome(false, "task " + run.taskId() + " is gone (deleted or archived)");
        }
        TaskView task = found.get();
        Optional<String> guard = triggerStillHolds(rule, run, task);
        if (guard.isPresent()) {
            return new Outcome(false, guard.get());
        }
        Optional<String> unmet = unmet(rule.conditions(), task);
        if (unmet.isPresent()) {
            return new Outcome(false, "condition not met: " + unmet.get());
        }
        List<String> done = new ArrayList<>();
        for (Action a : rule.actions()) {
            done.add(apply(rule, task, a));
        }
        return new Outcome(true, String.join("; ", done));
    }

    private Optional<TaskView> current(long taskId) {
        try {
            TaskView v = queries.get(taskId);
            return v.archivedAt() == null ? Optional.of(v) : Optional.empty();
        } catch (dev.agentkanban.platform.ApiException notFound) {
            return Optional.empty();
        }
    }

    /** State-based triggers are checked again when the run happens: the state may have changed since. */
    private Optional<String> triggerStillHolds(Rule rule, RuleRun run, TaskView task) {
        TriggerType type = rule.trigger().type();
        if (type == TriggerType.CHILDREN_DONE) {
            TaskView.Progress p = task.subtasks();
            if (p.total() == 0 || p.done() < p.total()) {
                return Optional.of("not every subtask is done (" + p.done() + " of " + p.total() + ")");
            }
        }
        if (type == TriggerType.DUE_DATE_PASSED) {
            boolean open = task.status() == TaskStatus.PENDING || task.status() == TaskStatus.IN_PROGRESS;
            if (!open || task.dueDate() == null || !task.dueDate().equals(run.dueAt())) {
                return Optional.of("the task is no longer open and due at " + run.dueAt());
            }
        }
        return Optional.empty();
    }

    /** The first condition that does not hold, by name; empty when all hold. */
    static Optional<String> unmet(Conditions c, TaskView task) {
        if (c.priority() != null && !c.priority().contains(task.priority())) {
            return Optional.of("priority is " + task.priority() + ", not one of " + c.priority());
        }
        if (c.tag() != null && task.tags().stream().noneMatch(t -> t.name().equalsIgnoreCase(c.tag()))) {
            return Optional.of("no tag " + c.tag());
        }
        if (c.columnId() != null && task.columnId() != c.columnId()) {
            return Optional.of("column is " + task.columnId() + ", not " + c.columnId());
        }
        if (c.assignee() != null && !assigned(task, c.assignee())) {
            return Optional.of("not assigned to " + c.assignee() + " (assignees: " + task.assignees() + ")");
        }
        return Optional.empty();
    }

    /** Whether the name is one of the task's member assignees, or its free-text assignee. */
    private static boolean assigned(TaskView task, String name) {
        return task.assignees().stream().anyMatch(n -> n.equalsIgnoreCase(name))
                || (task.assignee() != null && task.assignee().equalsIgnoreCase(name));
    }

    private String apply(Rule rule, TaskView task, Action a) {
        long id = task.id();
        return switch (a.type()) {
            case ASSIGN -> {
                assignees.add(id, null, a.assignee());
                yield "assigned " + a.assignee();
            }
            case ADD_TAG -> {
                tags.addByNames(id, List.of(a.tag()));
                yield "added tag " + a.tag();
            }
            case REMOVE_TAG -> {
                Optional<Tag> carried = tags.forTask(id).stream()
                        .filter(t -> t.name().equalsIgnoreCase(a.tag()))
                        .findFirst();
                carried.ifPresent(t -> tags.detach(id, t.id()));
                yield carried.isPresent() ? "removed tag " + a.tag() : "tag " + a.tag() + " was not there";
            }
            case SET_PRIORITY -> {
                tasks.update(id, null, TaskPatch.priority(a.priority()));
                yield "priority " + a.priority();
            }
            case MOVE_TO_COLUMN -> {
                tasks.move(id, null, MoveTask.toColumn(a.columnId(), null, null));
                yield "moved to column " + a.columnId();
            }
            case SET_DUE_DATE -> {
                var due = clock.instant().plus(Duration.parse(a.in()));
                tasks.update(id, null, TaskPatch.dueDate(due));
                yield "due " + due;
            }
            case ADD_CHECKLIST_ITEMS -> {
                for (String text : a.items()) {
                    checklists.add(id, null, new AddChecklistItem(text, null, null, null, null, null, null));
                }
                yield "added " + a.items().size() + " checklist items";
            }
            case NOTIFY -> {
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("user_id", a.userId());
                payload.put("rule_id", rule.id());
                payload.put("rule_name", rule.name());
                payload.put("message", a.message());
                history.record(refs.lock(id), "rule_notified", null, null, Long.toString(a.userId()));
                outbox.append(EventType.RULE_NOTIFICATION, task.boardId(), id, payload);
                yield "notified user " + a.userId();
            }
            case COMMENT -> {
                comments.add(id, a.body());
                yield "commented";
            }
        };
    }
}
