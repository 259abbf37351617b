package dev.agentkanban.transfer;

import dev.agentkanban.board.Boards;
import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.tag.Tags;
import dev.agentkanban.task.Position;
import dev.agentkanban.task.RestoredTask;
import dev.agentkanban.task.TaskQueries;
import dev.agentkanban.task.TaskView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import org.springframework.stereotype.Component;

/**
 * Writes imported tasks the way the task feature does, keeping what the import knows (timestamps,
 * status), a chunk at a time ({@link Batch}): the inserts fire the same triggers (a {@code created}
 * history row by the importing actor, board counts, flow figures), what hangs off a task gets the
 * history rows its one-row write would, and each task gets one {@code task_created} outbox event
 * carrying the task as clients read it, after everything of its chunk is written. Call inside the
 * import's write transaction.
 */
@Component
class ImportedTasks {

    private final TransferRepository repo;
    private final TaskQueries queries;
    private final Boards boards;
    private final Outbox outbox;

    ImportedTasks(TransferRepository repo, TaskQueries queries, Boards boards, Outbox outbox) {
        this.repo = repo;
        this.queries = queries;
        this.boards = boards;
        this.outbox = outbox;
    }

    /** Positions at the end of columns: the first use of a column locks it (like every insert into a column) and reads its last position. */
    final class Slots {
        private final Map<Long, Long> next = new HashMap<>();

        long next(long columnId) {
            long position = next.computeIfAbsent(columnId, id -> {
                boards.lockColumn(id);
                return after(repo.lastPosition(id));
            });
            next.put(columnId, after(position));
            return position;
        }

        /** The next end-of-column position by the one ordering rule ({@link Position}), overflow included. */
        private static long after(Long last) {
            return Position.between(last, null)
                    .orElseThrow(() -> ApiException.conflict(
                            "column-full",
                            "the column has no room left at its end; move some of its tasks, then import again"));
        }
    }

    Slots slots() {
        return new Slots();
    }

    /** Tasks per chunk: each chunk is written in a handful of statements, whatever its size. */
    static final int CHUNK = 100;

    /** A batch of new tasks for an import ({@code source}) that counts the tasks written into {@code written}. */
    Batch batch(String source, IntConsumer written) {
        return new Batch(source, written);
    }

    /** A new task and what hangs off it; its id is known once its chunk is written. */
    static final class Pending {
        private final RestoredTask task;
        private long id;
        private Instant archivedAt;
        private String archivedBy;
        private final List<Long> tagIds = new ArrayList<>();
        private final List<TransferRepository.NewComment> comments = new ArrayList<>();
        private final List<TransferRepository.NewLink> links = new ArrayList<>();
        private final List<TransferRepository.NewItem> items = new ArrayList<>();
        private LongConsumer afterInsert;

        Pending(RestoredTask task) {
            this.task = task;
        }

        /** The task's id, once its chunk is written. */
        long id() {
            if (id == 0) {
                throw new IllegalStateException("the task is not written yet");
            }
            return id;
        }

        /** Archived where it came from: off the board, restorable from the archive. */
        Pending archived(Instant at, String by) {
            archivedAt = at;
            archivedBy = by;
            return this;
        }

        Pending tag(long tagId) {
            tagIds.add(tagId);
            return this;
        }

        Pending comment(String author, String body, Instant at) {
            comments.add(new TransferRepository.NewComment(0, author, body, at));
            return this;
        }

        Pending link(String note, String url, String createdBy, Instant at) {
            links.add(new TransferRepository.NewLink(0, note, url, createdBy, at));
            return this;
        }

        Pending item(long position, String text, boolean done, String createdBy) {
            items.add(new TransferRepository.NewItem(0, position, text, done, createdBy));
            return this;
        }

        /** Work that needs the task's id, done before its event (tags set by name with their checks). */
        Pending afterInsert(LongConsumer work) {
            afterInsert = work;
            return this;
        }
    }

    /**
     * An import's new tasks, written a chunk at a time: per chunk one statement for the tasks (their
     * {@code created} rows by the insert trigger), one each for the archived ones, the tags (with their
     * {@code tags_changed} rows), the comments and the link evidence (with their history rows), the
     * checklist items, one read of the tasks as clients see them and one insert of their
     * {@code task_created} events, in the tasks' order. What the rows and events are is what the one-row
     * writes make; the number of statements no longer grows with the number of tasks. Inside the
     * import's write transaction; {@link #finish} writes the last chunk.
     */
    final class Batch {
        private final String source;
        private final IntConsumer written;
        private final List<Pending> pending = new ArrayList<>();
        private int count;

        private Batch(String source, IntConsumer written) {
            this.source = source;
            this.written = written;
        }

        /** Queues the task (with its parts added before or after this call, until its chunk is written). */
        Pending add(RestoredTask task) {
            Pending p = new Pending(task);
            if (pending.size() >= CHUNK) {
                flush();
            }
            pending.add(p);
            return p;
        }

        /** Writes what is queued. */
        void finish() {
            flush();
        }

        private void flush() {
            if (pending.isEmpty()) {
                return;
            }
            RequestContext ctx = CurrentRequest.get();
            long ws = ctx.workspaceId();
            List<Long> ids =
                    repo.insertTasks(ws, pending.stream().map(p -> p.task).toList());
            List<Long> archived = new ArrayList<>();
            List<Instant> archivedAt = new ArrayList<>();
            String archivedBy = null;
            List<Long> tagged = new ArrayList<>();
            List<Long> tagIds = new ArrayList<>();
            List<TransferRepository.NewComment> comments = new ArrayList<>();
            List<TransferRepository.NewLink> links = new ArrayList<>();
            List<TransferRepository.NewItem> items = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                Pending p = pending.get(i);
                long id = ids.get(i);
                p.id = id;
                if (p.archivedAt != null) {
                    archived.add(id);
                    archivedAt.add(p.archivedAt);
                    archivedBy = p.archivedBy;
                }
                if (p.tagIds.size() > Tags.MAX_PER_TASK) {
                    throw ApiException.invalid("tags", "a task carries at most " + Tags.MAX_PER_TASK + " tags");
                }
                for (long tag : p.tagIds) {
                    tagged.add(id);
                    tagIds.add(tag);
                }
                p.comments.forEach(
                        c -> comments.add(new TransferRepository.NewComment(id, c.author(), c.body(), c.at())));
                p.links.forEach(
                        l -> links.add(new TransferRepository.NewLink(id, l.note(), l.url(), l.createdBy(), l.at())));
                p.items.forEach(t ->
                        items.add(new TransferRepository.NewItem(id, t.position(), t.text(), t.done(), t.createdBy())));
            }
            if (!archived.isEmpty()) {
                repo.archive(ws, archived, archivedAt, archivedBy);
            }
            if (!tagged.isEmpty()) {
                repo.tag(ws, tagged, tagIds, ctx.actor());
            }
            if (!comments.isEmpty()) {
                repo.comment(ws, comments, ctx.actor());
            }
            if (!links.isEmpty()) {
                repo.link(ws, links, ctx.actor());
            }
            if (!items.isEmpty()) {
                repo.items(ws, items);
            }
            for (Pending p : pending) {
                if (p.afterInsert != null) {
                    p.afterInsert.accept(p.id);
                }
            }
            // each task's one event, after everything the import hangs off it is written
            Map<Long, TaskView> views = queries.findAll(ids);
            List<Outbox.Event> events = new ArrayList<>(ids.size());
            for (long id : ids) {
                TaskView view = views.get(id);
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("task", view);
                payload.put("import", source);
                events.add(new Outbox.Event(EventType.TASK_CREATED, view.boardId(), id, payload));
            }
            outbox.appendAll(events);
            count += pending.size();
            pending.clear();
            written.accept(count);
        }
    }
}
