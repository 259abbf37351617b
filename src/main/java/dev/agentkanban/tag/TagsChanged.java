package dev.agentkanban.tag;

import java.util.List;

/** The payload of a {@code tags_changed} event: the task's complete tag set after the change. */
record TagsChanged(long taskId, List<Tag> tags) {}
