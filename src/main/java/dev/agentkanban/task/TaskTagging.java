package dev.agentkanban.task;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the task feature needs of tagging, implemented by the tag feature: tags belong to tasks, so the
 * tag feature depends on this one and not the other way round.
 */
public interface TaskTagging {

    /** A tag as a task shows it. */
    record TaskTag(long id, String name, String color) {}

    /**
     * The tags of each of the tasks, in one query: every given id is a key, with an empty list when the
     * task carries none. Call inside a transaction.
     */
    Map<Long, List<TaskTag>> tagsOf(Collection<Long> taskIds);

    /**
     * Makes the task's tags exactly {@code names} inside the caller's write transaction (unknown names
     * are created); invalid names are a 422 on field {@code tags}. Answers whether the set changed.
     */
    boolean setByNames(TaskRef task, List<String> names);
}
