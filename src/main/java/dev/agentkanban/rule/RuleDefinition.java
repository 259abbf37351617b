package dev.agentkanban.rule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.ApiException.FieldError;
import dev.agentkanban.task.Priority;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What a rule is: a trigger, optional conditions, and actions, as typed values read from the wire
 * once ({@link #parse}). Every mistake is reported at once as a 422 naming its field
 * ({@code trigger.type}, {@code conditions.priority}, {@code actions[1].tag}, ...), and nothing is
 * stored. Parsing is a walk over the JSON tree: no regular expressions on user input.
 */
public record RuleDefinition(Trigger trigger, Conditions conditions, List<Action> actions) {

    public static final int MAX_ACTIONS = 20;
    public static final int MAX_CHECKLIST_ITEMS = 20;
    static final int MAX_TEXT = 2000;
    static final int MAX_NAME = 100;
    /** The furthest ahead a relative due date may be set. */
    static final Duration MAX_DUE_IN = Duration.ofDays(3660);

    /** What starts a rule. */
    public enum TriggerType {
        TASK_CREATED,
        TASK_MOVED,
        TASK_COMPLETED,
        TAG_ADDED,
        DUE_DATE_PASSED,
        CHILDREN_DONE,
        TASK_UNBLOCKED;

        @JsonValue
        public String wire() {
            return name().toLowerCase();
        }
    }

    /** The fields each action takes; all of them are required. */
    private static final Map<ActionType, Set<String>> ACTION_FIELDS = Map.of(
            ActionType.ASSIGN, Set.of("assignee"),
            ActionType.ADD_TAG, Set.of("tag"),
            ActionType.REMOVE_TAG, Set.of("tag"),
            ActionType.SET_PRIORITY, Set.of("priority"),
            ActionType.MOVE_TO_COLUMN, Set.of("column_id"),
            ActionType.SET_DUE_DATE, Set.of("in"),
            ActionType.ADD_CHECKLIST_ITEMS, Set.of("items"),
            ActionType.NOTIFY, Set.of("user_id", "message"),
            ActionType.COMMENT, Set.of("body"));

    /** What a rule does. */
    public enum ActionType {
        ASSIGN,
        ADD_TAG,
        REMOVE_TAG,
        SET_PRIORITY,
        MOVE_TO_COLUMN,
        SET_DUE_DATE,
        ADD_CHECKLIST_ITEMS,
        NOTIFY,
        COMMENT;

        @JsonValue
        public String wire() {
            return name().toLowerCase();
        }
    }

    /** {@code columnId}: only moves into that column ({@code task_moved}); {@code tag}: the tag added ({@code tag_added}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Trigger(TriggerType type, Long columnId, String tag) {}

    /** All given conditions must hold on the task when the rule runs; absent ones always hold. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conditions(List<Priority> priority, String tag, Long columnId, String assignee) {
        static final Conditions NONE = new Conditions(null, null, null, null);
    }

    /**
     * One action; which fields it uses depends on its type: {@code assignee} (assign), {@code tag}
     * (add_tag, remove_tag), {@code priority} (set_priority), {@code columnId} (move_to_column),
     * {@code in} (set_due_date: an ISO-8601 duration from the moment the rule runs, e.g. P3D),
     * {@code items} (add_checklist_items), {@code userId} and {@code message} (notify), {@code body}
     * (comment).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Action(
            ActionType type,
            String assignee,
            String tag,
            Priority priority,
            Long columnId,
            String in,
            List<String> items,
            Long userId,
            String message,
            String body) {}

    /** Reads a definition sent by a client; 422 naming every bad field. */
    static RuleDefinition parse(JsonNode trigger, JsonNode conditions, JsonNode actions) {
        Reader r = new Reader();
        Trigger t = r.trigger(trigger);
        Conditions c = r.conditions(conditions);
        List<Action> a = r.actions(actions);
        r.done();
        return new RuleDefinition(t, c, a);
    }

    /** The column ids the definition names (the service checks that they are columns of the rule's board). */
    List<FieldRef> columnRefs() {
        List<FieldRef> refs = new ArrayList<>();
        if (trigger.columnId() != null) {
            refs.add(new FieldRef("trigger.column_id", trigger.columnId()));
        }
        if (conditions.columnId() != null) {
            refs.add(new FieldRef("conditions.column_id", conditions.columnId()));
        }
        for (int i = 0; i < actions.size(); i++) {
            if (actions.get(i).columnId() != null) {
                refs.add(new FieldRef(
                        "actions[" + i + "].column_id", actions.get(i).columnId()));
            }
        }
        return refs;
    }

    /**
     * The same definition on another board, whose columns {@code columnIds} maps from this one's; null
     * when a column it names has no counterpart there.
     */
    RuleDefinition remapColumns(Map<Long, Long> columnIds) {
        if (columnRefs().stream().anyMatch(r -> !columnIds.containsKey(r.id()))) {
            return null;
        }
        Trigger t = trigger.columnId() == null
                ? trigger
                : new Trigger(trigger.type(), columnIds.get(trigger.columnId()), trigger.tag());
        Conditions c = conditions.columnId() == null
                ? conditions
                : new Conditions(
                        conditions.priority(),
                        conditions.tag(),
                        columnIds.get(conditions.columnId()),
                        conditions.assignee());
        List<Action> a = actions.stream()
                .map(x -> x.columnId() == null
                        ? x
                        : new Action(
                                x.type(),
                                x.assignee(),
                                x.tag(),
                                x.priority(),
                                columnIds.get(x.columnId()),
                                x.in(),
                                x.items(),
                                x.userId(),
                                x.message(),
                                x.body()))
                .toList();
        return new RuleDefinition(t, c, a);
    }

    /** The usernames the assign actions name (the service checks that they are members). */
    List<String> assigneeRefs(List<String> fields) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            if (actions.get(i).assignee() != null) {
                fields.add("actions[" + i + "].assignee");
                names.add(actions.get(i).assignee());
            }
        }
        return names;
    }

    /** The user ids the notify actions name (the service checks that they are members). */
    List<FieldRef> userRefs() {
        List<FieldRef> refs = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            if (actions.get(i).userId() != null) {
                refs.add(new FieldRef(
                        "actions[" + i + "].user_id", actions.get(i).userId()));
            }
        }
        return refs;
    }

    record FieldRef(String field, long id) {}

    /** Collects every error of a definition before refusing it. */
    private static final class Reader {

        private final List<FieldError> errors = new ArrayList<>();

        void done() {
            if (!errors.isEmpty()) {
                throw ApiException.invalid(errors);
            }
        }

        private void error(String field, String message) {
            errors.add(new FieldError(field, message));
        }

        Trigger trigger(JsonNode node) {
            if (node == null || node.isNull() || !node.isObject()) {
                error("trigger", "is required: an object with a type");
                return null;
            }
            allowOnly(node, "trigger", Set.of("type", "column_id", "tag"));
            TriggerType type = enumOf(TriggerType.class, node.get("type"), "trigger.type");
            Long column = id(node.get("column_id"), "trigger.column_id");
            String tag = text(node.get("tag"), "trigger.tag", MAX_NAME);
            if (type == TriggerType.TAG_ADDED && tag == null) {
                error("trigger.tag", "is required for tag_added: the tag whose addition starts the rule");
            }
            if (column != null && type != TriggerType.TASK_MOVED) {
                error("trigger.column_id", "only task_moved takes a column");
            }
            if (tag != null && type != TriggerType.TAG_ADDED) {
                error("trigger.tag", "only tag_added takes a tag");
            }
            return new Trigger(type, column, tag);
        }

        Conditions conditions(JsonNode node) {
            if (node == null || node.isNull()) {
                return Conditions.NONE;
            }
            if (!node.isObject()) {
                error("conditions", "must be an object");
                return Conditions.NONE;
            }
            allowOnly(node, "conditions", Set.of("priority", "tag", "column_id", "assignee"));
            List<Priority> priorities = null;
            JsonNode p = node.get("priority");
            if (p != null && !p.isNull()) {
                priorities = new ArrayList<>();
                List<JsonNode> values = p.isArray() ? p.valueStream().toList() : List.of(p);
                if (values.isEmpty()) {
                    error("conditions.priority", "name at least one priority, or leave it out");
                }
                for (JsonNode v : values) {
                    Priority one = priority(v, "conditions.priority");
                    if (one != null) {
                        priorities.add(one);
                    }
                }
            }
            return new Conditions(
                    priorities,
                    text(node.get("tag"), "conditions.tag", MAX_NAME),
                    id(node.get("column_id"), "conditions.column_id"),
                    text(node.get("assignee"), "conditions.assignee", 200));
        }

        List<Action> actions(JsonNode node) {
            if (node == null || node.isNull() || !node.isArray() || node.isEmpty()) {
                error("actions", "is required: a list of 1 to " + MAX_ACTIONS + " actions");
                return List.of();
            }
            if (node.size() > MAX_ACTIONS) {
                error("actions", "at most " + MAX_ACTIONS + " actions");
                return List.of();
            }
            List<Action> actions = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                actions.add(action(node.get(i), "actions[" + i + "]"));
            }
            return actions;
        }

        private Action action(JsonNode node, String at) {
            if (!node.isObject()) {
                error(at, "must be an object with a type");
                return null;
            }
            ActionType type = enumOf(ActionType.class, node.get("type"), at + ".type");
            if (type == null) {
                return null;
            }
            Set<String> fields = ACTION_FIELDS.get(type);
            Set<String> known = new java.util.TreeSet<>(fields);
            known.add("type");
            allowOnly(node, at, known);
            for (String f : fields) {
                JsonNode v = node.get(f);
                if (v == null || v.isNull()) {
                    error(at + "." + f, "is required for " + type.wire());
                }
            }
            String in = text(node.get("in"), at + ".in", 40);
            if (in != null) {
                checkDuration(in, at + ".in");
            }
            JsonNode priority = node.get("priority");
            JsonNode items = node.get("items");
            return new Action(
                    type,
                    text(node.get("assignee"), at + ".assignee", 200),
                    text(node.get("tag"), at + ".tag", MAX_NAME),
                    priority == null || priority.isNull() ? null : priority(priority, at + ".priority"),
                    id(node.get("column_id"), at + ".column_id"),
                    in,
                    items == null || items.isNull() ? null : items(items, at + ".items"),
                    id(node.get("user_id"), at + ".user_id"),
                    text(node.get("message"), at + ".message", MAX_TEXT),
                    text(node.get("body"), at + ".body", MAX_TEXT));
        }

        private List<String> items(JsonNode node, String field) {
            if (node == null || !node.isArray() || node.isEmpty()) {
                error(field, "is required: a list of 1 to " + MAX_CHECKLIST_ITEMS + " item texts");
                return null;
            }
            if (node.size() > MAX_CHECKLIST_ITEMS) {
                error(field, "at most " + MAX_CHECKLIST_ITEMS + " items");
                return null;
            }
            List<String> items = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                String at = field + "[" + i + "]";
                if (node.get(i).isNull()) {
                    error(at, "must be a text");
                }
                String text = text(node.get(i), at, 500);
                if (text != null) {
                    items.add(text);
                }
            }
            return items;
        }

        private void checkDuration(String in, String field) {
            try {
                Duration d = Duration.parse(in);
                if (d.isNegative() || d.isZero() || d.compareTo(MAX_DUE_IN) > 0) {
                    error(field, "must be a positive duration of at most " + MAX_DUE_IN.toDays() + " days");
                }
            } catch (DateTimeParseException e) {
                error(field, "must be an ISO-8601 duration such as P3D (3 days) or PT4H (4 hours)");
            }
        }

        private void allowOnly(JsonNode node, String at, Set<String> known) {
            for (String name : node.propertyNames()) {
                if (!known.contains(name)) {
                    error(
                            at + "." + name,
                            "is not a field here; known: "
                                    + known.stream().sorted().toList());
                }
            }
        }

        private <E extends Enum<E>> E enumOf(Class<E> type, JsonNode node, String field) {
            List<String> names = Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase())
                    .toList();
            if (node == null || !node.isString()) {
                error(field, "is required: one of " + names);
                return null;
            }
            String v = node.asString().trim().toLowerCase();
            for (E e : type.getEnumConstants()) {
                if (e.name().toLowerCase().equals(v)) {
                    return e;
                }
            }
            error(field, "must be one of " + names);
            return null;
        }

        private Priority priority(JsonNode node, String field) {
            if (!node.isString()) {
                error(field, "must be one of " + Priority.wireNames());
                return null;
            }
            try {
                return Priority.fromWire(node.asString());
            } catch (IllegalArgumentException e) {
                error(field, e.getMessage());
                return null;
            }
        }

        private Long id(JsonNode node, String field) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() <= 0) {
                error(field, "must be a positive integer id");
                return null;
            }
            return node.asLong();
        }

        private String text(JsonNode node, String field, int max) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isString()) {
                error(field, "must be a string");
                return null;
            }
            String v = node.asString().strip();
            if (v.isEmpty() || v.length() > max) {
                error(field, "must have 1 to " + max + " characters");
                return null;
            }
            return v;
        }
    }
}
