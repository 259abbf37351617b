package dev.agentkanban.rule;

import dev.agentkanban.rule.RuleDefinition.Action;
import dev.agentkanban.rule.RuleDefinition.Conditions;
import dev.agentkanban.rule.RuleDefinition.Trigger;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An automation rule of a board, as clients see it; {@code disabledReason} says why the server switched
 * it off (a column it names was deleted), null when it is on or a person switched it off.
 */
public record Rule(
        long id,
        long boardId,
        String name,
        boolean enabled,
        String disabledReason,
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

    /** The tags the rule names: its trigger's, its condition's and those its actions add or remove. */
    public Set<String> tagNames() {
        Set<String> names = new LinkedHashSet<>();
        Stream.concat(
                        Stream.of(trigger.tag(), conditions.tag()),
                        actions.stream().map(Action::tag))
                .filter(Objects::nonNull)
                .forEach(names::add);
        return names;
    }

    RuleDefinition definition() {
        return new RuleDefinition(trigger, conditions, actions);
    }
}
