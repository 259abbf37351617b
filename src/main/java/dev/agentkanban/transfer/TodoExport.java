package dev.agentkanban.transfer;

import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.Ids;
import dev.agentkanban.platform.ReplicaReads;
import dev.agentkanban.task.Owner;
import dev.agentkanban.task.Priority;
import dev.agentkanban.transfer.TodoMarkdown.Line;
import dev.agentkanban.transfer.TodoMarkdown.Section;
import dev.agentkanban.transfer.TransferRepository.ExportedTask;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Writes a board back as a TODO.md file that {@link TodoImport} reads to the same tasks: each column
 * becomes the section of its kind (review and blocked count as in progress), in board order. Original
 * timestamps ({@code metadata.original_created_at}) are written as the file had them, with their
 * offsets; tasks made here get their UTC time. Cancelled tasks keep {@code "status": "cancelled"} in
 * the JSON, so nothing is lost; tags, descriptions and due dates have no place in the format.
 */
@Service
class TodoExport {

    private final ReplicaReads replica;
    private final Targets targets;
    private final TransferRepository repo;

    TodoExport(ReplicaReads replica, Targets targets, TransferRepository repo) {
        this.replica = replica;
        this.targets = targets;
        this.repo = repo;
    }

    record Exported(Board board, String text) {}

    Exported export(BoardTarget target) {
        return replica.read(() -> {
            Board board = targets.require(target, TodoImport.DEFAULT_BOARD);
            Map<Long, Section> sectionOf = new HashMap<>();
            for (BoardColumn c : board.columns()) {
                sectionOf.put(c.id(), Section.ofKind(c.kind()));
            }
            Map<Section, List<Line>> sections = new EnumMap<>(Section.class);
            for (ExportedTask t : repo.boardTasks(CurrentRequest.get().workspaceId(), board.id())) {
                sections.computeIfAbsent(sectionOf.get(t.columnId()), s -> new ArrayList<>())
                        .add(line(t));
            }
            return new Exported(board, TodoMarkdown.write(board.name(), sections));
        });
    }

    /**
     * A timestamp as the file had it when that still says the task's time (keeping its offset), else
     * the task's own time in UTC; an original that was no timestamp at all travels on as an extra key.
     */
    private static String time(Map<String, Object> metadata, String key, Instant actual, Map<String, Object> extra) {
        if (actual == null) {
            return null;
        }
        if (metadata.get(key) instanceof String original) {
            if (actual.equals(TodoMarkdown.parseTime(original))) {
                return original;
            }
            extra.putIfAbsent(key, original);
        }
        return actual.toString();
    }

    @SuppressWarnings("unchecked")
    private static Line line(ExportedTask t) {
        Map<String, Object> m = t.metadata();
        boolean completed = t.status().equals("completed");
        Map<String, Object> extra = new LinkedHashMap<>();
        if (m.get("todo_extra") instanceof Map<?, ?> x) {
            extra.putAll((Map<String, Object>) x);
        }
        String created = time(m, "original_created_at", t.createdAt(), extra);
        String completedAt = completed
                ? time(m, "original_completed_at", t.completedAt(), extra)
                : m.get("original_completed_at") instanceof String s ? s : null;
        Long originalId = m.get("original_id") instanceof Number n
                ? n.longValue()
                : m.get("original_id") instanceof String s ? Ids.parse(s) : null;
        // a title the import shortened has its whole text in the description: write that, the import shortens it again
        String text = t.title();
        if (text.endsWith("…")
                && t.description() != null
                && !t.description().contains("\n")
                && t.description().startsWith(text.substring(0, text.length() - 1))) {
            text = t.description();
        }
        return new Line(
                completed,
                Priority.fromWire(t.priority()),
                t.owner() == null ? null : Owner.valueOf(t.owner().toUpperCase(Locale.ROOT)),
                text,
                created,
                completedAt,
                t.epic(),
                t.occurrenceCount(),
                t.assignee(),
                t.status().equals("cancelled"),
                t.cancelReason(),
                extra,
                originalId,
                t.checklist());
    }
}
