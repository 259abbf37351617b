package dev.agentkanban.tag;

import dev.agentkanban.task.TaskRef;
import dev.agentkanban.task.TaskTagging;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The tag feature's side of {@link TaskTagging}. */
@Component
class TaskTags implements TaskTagging {

    private final Tags tags;

    TaskTags(Tags tags) {
        this.tags = tags;
    }

    @Override
    public Map<Long, List<TaskTag>> tagsOf(Collection<Long> taskIds) {
        Map<Long, List<TaskTag>> result = new LinkedHashMap<>();
        tags.tagsOf(taskIds)
                .forEach((id, list) -> result.put(
                        id,
                        list.stream()
                                .map(t -> new TaskTag(t.id(), t.name(), t.color()))
                                .toList()));
        return result;
    }

    @Override
    public boolean setByNames(TaskRef task, List<String> names) {
        return tags.replaceByNames(task, names);
    }
}
