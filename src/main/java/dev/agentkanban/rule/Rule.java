package dev.agentkanban.rule;

import dev.agentkanban.rule.RuleDefinition.Action;
import dev.agentkanban.rule.RuleDefinition.Conditions;
import dev.agentkanban.rule.RuleDefinition.Trigger;
import java.time.Instant;
import java.util.List;

/** An automation rule of a board, as clients see it. */
public record Rule(
        long id,
        long boardId,
        String name,
        boolean enabled,
        Trigger trigger,
        Conditions conditions,
        List<Action> actions,
        long version,
        String createdBy,
        Instant createdAt,
        Instant updatedAt) {

    /** The actor a rule's changes are recorded under in the history and the events. */
    public String actor() {
        return actor(name);
    }

    static String actor(String name) {
        return "rule:" + name;
    }

    RuleDefinition definition() {
        return new RuleDefinition(trigger, conditions, actions);
    }
}
