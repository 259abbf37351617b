package dev.agentkanban.tag;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The payload of a {@code tags_changed} event: the task's complete tag set after the change, and the
 * names of the tags this change added (automation rules' "tag added" trigger reads them); the outbox
 * adds {@code task_version}, the version the change gave the task (its tags are part of its view).
 */
record TagsChanged(long taskId, List<Tag> tags, List<String> added) {

    static TagsChanged of(long taskId, List<Tag> before, List<Tag> after) {
        Set<Long> had = before.stream().map(Tag::id).collect(Collectors.toSet());
        return new TagsChanged(
                taskId,
                after,
                after.stream().filter(t -> !had.contains(t.id())).map(Tag::name).toList());
    }
}
