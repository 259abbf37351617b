package dev.agentkanban.rule;

import dev.agentkanban.events.ChangeEvent;
import dev.agentkanban.events.EventType;
import dev.agentkanban.rule.RuleDefinition.Trigger;
import java.util.OptionalLong;
import tools.jackson.databind.JsonNode;

/**
 * Which committed events start which rule, and on which task: a pure function of the rule's trigger
 * and the event (its type and the state it carries). Conditions are checked later, on the task as it
 * is when the rule runs.
 *
 * <ul>
 *   <li>{@code task_created}: a task created on the board;
 *   <li>{@code task_moved}: any change that put the task into another column (a move, an edit naming a
 *       column, a start or completion that pulled it along), optionally into one column;
 *   <li>{@code task_completed}: a completion, or a move that completed the task;
 *   <li>{@code tag_added}: a tag-set change that added the tag, or a task created with it;
 *   <li>{@code children_done}: a subtask's completion, for the rules of its parent's board (which may
 *       be another board than the subtask's); the rule runs on its parent (and checks there
 *       that every subtask is done);
 *   <li>{@code task_unblocked}: the last open blocker of the task finished;
 *   <li>{@code due_date_passed}: never from an event (the scheduled scan, {@link RuleEngine#scanDue}).
 * </ul>
 */
final class RuleMatch {

    private static final String CREATED = EventType.TASK_CREATED.wireName();
    private static final String MOVED = EventType.TASK_MOVED.wireName();
    private static final String COMPLETED = EventType.TASK_COMPLETED.wireName();
    private static final String TAGS_CHANGED = EventType.TAGS_CHANGED.wireName();
    private static final String UNBLOCKED = EventType.TASK_UNBLOCKED.wireName();

    private RuleMatch() {}

    /**
     * The task the rule runs on for this event, or empty when the event does not start the rule.
     * {@code parentBoardId} is the board of the parent of the task the event is about (null when it has
     * none): a {@code children_done} rule is its parent's board's, whichever board the subtask is on.
     */
    static OptionalLong target(Rule rule, ChangeEvent e, Long parentBoardId) {
        Trigger t = rule.trigger();
        boolean childrenDone = t.type() == RuleDefinition.TriggerType.CHILDREN_DONE;
        Long board = childrenDone ? parentBoardId : e.boardId();
        if (board == null || board != rule.boardId() || e.taskId() == null || e.data() == null) {
            return OptionalLong.empty();
        }
        JsonNode task = e.data().get("task");
        boolean hit = switch (t.type()) {
            case TASK_CREATED -> e.type().equals(CREATED);
            case TASK_MOVED -> movedInto(e, task, t.columnId());
            case TASK_COMPLETED -> completed(e, task);
            case TAG_ADDED -> tagAdded(e, task, t.tag());
            case TASK_UNBLOCKED -> e.type().equals(UNBLOCKED);
            case CHILDREN_DONE -> completedSubtask(e).isPresent();
            case DUE_DATE_PASSED -> false;
        };
        if (!hit) {
            return OptionalLong.empty();
        }
        return childrenDone ? completedSubtask(e) : OptionalLong.of(e.taskId());
    }

    /** The parent of the task this event completes, or empty (not a completion, or no parent). */
    static OptionalLong completedSubtask(ChangeEvent e) {
        JsonNode task = e.data() == null ? null : e.data().get("task");
        JsonNode parent = task == null ? null : task.get("parent_id");
        return completed(e, task) && parent != null && parent.isIntegralNumber()
                ? OptionalLong.of(parent.asLong())
                : OptionalLong.empty();
    }

    private static boolean movedInto(ChangeEvent e, JsonNode task, Long column) {
        JsonNode from = e.data().get("from_column_id");
        if (task == null || from == null || !from.isIntegralNumber()) {
            return false;
        }
        long to = task.path("column_id").asLong();
        return to != from.asLong() && (column == null || column == to);
    }

    private static boolean completed(ChangeEvent e, JsonNode task) {
        return e.type().equals(COMPLETED)
                || (e.type().equals(MOVED)
                        && task != null
                        && "completed".equals(task.path("status").asString()));
    }

    private static boolean tagAdded(ChangeEvent e, JsonNode task, String tag) {
        if (e.type().equals(TAGS_CHANGED)) {
            for (JsonNode added : e.data().path("added")) {
                if (added.asString().equalsIgnoreCase(tag)) {
                    return true;
                }
            }
            return false;
        }
        if (e.type().equals(CREATED) && task != null) {
            for (JsonNode t : task.path("tags")) {
                if (t.path("name").asString().equalsIgnoreCase(tag)) {
                    return true;
                }
            }
        }
        return false;
    }
}
