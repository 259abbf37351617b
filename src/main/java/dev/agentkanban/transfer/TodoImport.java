package dev.agentkanban.transfer;

import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.BoardRequests.CreateBoard;
import dev.agentkanban.board.Boards;
import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Roles;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.task.Position;
import dev.agentkanban.task.RestoredTask;
import dev.agentkanban.transfer.ImportProgress.Progress;
import dev.agentkanban.transfer.TodoMarkdown.Document;
import dev.agentkanban.transfer.TodoMarkdown.Item;
import dev.agentkanban.transfer.TodoMarkdown.Section;
import dev.agentkanban.transfer.TodoMarkdown.Warning;
import dev.agentkanban.transfer.TransferRepository.Existing;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * Imports a TODO.md file (seed 000) into a board: all or nothing, in one transaction, and idempotent.
 * A task already on the board is skipped: one with the same {@code (id:N)} ({@code metadata.original_id}),
 * or, for a line without an id, one with the same text in the same column (each existing task matches
 * one line, so repeated lines are counted). A dry run reads the same way and writes nothing.
 *
 * <p>Checkbox lines indented under a task line (its notes) become that task's checklist items, in order.
 *
 * <p>Without a board the file goes to the workspace's board named {@value #DEFAULT_BOARD}, created with
 * the default columns when missing. Sections land in the board's first column of the section's kind.
 */
@Service
class TodoImport {

    static final String DEFAULT_BOARD = "TODO";
    static final String SOURCE = "todo-md";

    /** Where each section goes on a board created by the import (the default columns, SPEC §2). */
    private static final Map<Section, String> DEFAULT_COLUMNS = Map.of(
            Section.BACKLOG,
            "Backlog",
            Section.TODO,
            "To Do",
            Section.IN_PROGRESS,
            "In Progress",
            Section.DONE,
            "Done");

    private final Transactions tx;
    private final Boards boards;
    private final Targets targets;
    private final TransferRepository repo;
    private final ImportedTasks imported;

    TodoImport(Transactions tx, Boards boards, Targets targets, TransferRepository repo, ImportedTasks imported) {
        this.tx = tx;
        this.boards = boards;
        this.targets = targets;
        this.repo = repo;
        this.imported = imported;
    }

    /** The counts of one column: task lines found in the file, imported (or to import, in a dry run), skipped as present. */
    record ColumnReport(String section, Long columnId, String column, int found, int imported, int skipped) {}

    record TodoReport(
            boolean dryRun,
            Long boardId,
            String board,
            boolean boardCreated,
            int found,
            int imported,
            int skipped,
            List<ColumnReport> columns,
            List<Warning> warnings,
            String backup) {

        TodoReport withBackup(String path) {
            return new TodoReport(
                    dryRun, boardId, board, boardCreated, found, imported, skipped, columns, warnings, path);
        }

        /** The report as the CLI prints it. */
        String describe() {
            StringBuilder out = new StringBuilder();
            String verb = dryRun ? "would import" : "imported";
            out.append(dryRun ? "Dry run: nothing was written.\n" : "");
            out.append("Board '")
                    .append(board)
                    .append("'")
                    .append(boardId == null ? "" : " (id " + boardId + ")")
                    .append(boardCreated ? (dryRun ? ", would be created" : ", created") : "")
                    .append('\n');
            for (ColumnReport c : columns) {
                out.append(String.format(
                        "  %-12s found %d, %s %d, skipped %d (already present)%n",
                        c.column() + ":", c.found(), verb, c.imported(), c.skipped()));
            }
            out.append(String.format("Total: found %d, %s %d, skipped %d%n", found, verb, imported, skipped));
            if (!warnings.isEmpty()) {
                out.append("Warnings (").append(warnings.size()).append("):\n");
                for (Warning w : warnings) {
                    out.append("  ")
                            .append(w.line() == null ? "" : "line " + w.line() + ": ")
                            .append(w.message())
                            .append(w.text() == null ? "" : "\n      " + w.text())
                            .append('\n');
                }
            }
            if (backup != null) {
                out.append("Backup of the file: ").append(backup).append('\n');
            }
            return out.toString();
        }
    }

    TodoReport run(String text, BoardTarget target, boolean dryRun) {
        return run(text, target, dryRun, Progress.NONE);
    }

    /** As {@link #run(String, BoardTarget, boolean)}, counting the file's tasks gone through into {@code progress}. */
    TodoReport run(String text, BoardTarget target, boolean dryRun, Progress progress) {
        Roles.require(Role.MEMBER);
        Document doc = TodoMarkdown.parse(text);
        progress.total(doc.items().size());
        return dryRun
                ? tx.read(() -> importInto(doc, target, true, progress))
                : tx.write(() -> importInto(doc, target, false, progress));
    }

    private TodoReport importInto(Document doc, BoardTarget target, boolean dryRun, Progress progress) {
        RequestContext ctx = CurrentRequest.get();
        repo.takeImportTurn(ctx.workspaceId());
        String name = target.name() != null ? target.name() : DEFAULT_BOARD;
        Optional<Board> found = targets.find(target, DEFAULT_BOARD);
        boolean create = found.isEmpty();
        Board board = found.orElse(null);
        if (create && !dryRun) {
            board = boards.create(new CreateBoard(name, "Imported from TODO.md", null));
        }
        List<Warning> warnings = new ArrayList<>(doc.warnings());
        Map<Section, Target> columns = columnsFor(board, doc, warnings);
        Matches matches = new Matches(board == null ? List.of() : repo.existing(ctx.workspaceId(), board.id()));
        ImportedTasks.Slots slots = imported.slots();

        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, Target> byColumn = new LinkedHashMap<>();
        for (Section s : Section.values()) {
            if (doc.items().stream().anyMatch(i -> i.section() == s)) {
                Target t = columns.get(s);
                counts.putIfAbsent(t.name(), new int[3]);
                byColumn.putIfAbsent(t.name(), t);
            }
        }
        // where a section's tasks may already be: its columns by kind, and the one its lines go to
        Map<Section, Set<Long>> sectionColumns = new HashMap<>();
        for (Section s : Section.values()) {
            Set<Long> ids = new HashSet<>();
            if (board != null) {
                board.columns().stream()
                        .filter(c -> Section.ofKind(c.kind()) == s)
                        .forEach(c -> ids.add(c.id()));
            }
            Target into = columns.get(s);
            if (into != null && into.id() != null) {
                ids.add(into.id());
            }
            sectionColumns.put(s, ids);
        }
        int seen = 0;
        // the lines' tasks are written a chunk at a time: the progress counts the lines gone through
        ImportedTasks.Batch batch = imported.batch(SOURCE, written -> {});
        for (Item item : doc.items()) {
            progress.done(seen++);
            Target column = columns.get(item.section());
            int[] c = counts.get(column.name());
            c[0]++;
            if (matches.take(item, sectionColumns.get(item.section()))) {
                c[2]++;
                continue;
            }
            c[1]++;
            if (!dryRun) {
                ImportedTasks.Pending task =
                        batch.add(newTask(item, board.id(), column, slots.next(column.id()), ctx.actor()));
                long position = 0;
                for (TodoMarkdown.Check check : item.checklist()) {
                    position += Position.GAP;
                    task.item(position, check.text(), check.done(), ctx.actor());
                }
            }
        }
        batch.finish();
        progress.done(seen);
        List<ColumnReport> report = new ArrayList<>();
        int[] total = new int[3];
        counts.forEach((column, c) -> {
            Target t = byColumn.get(column);
            report.add(new ColumnReport(t.section().heading, t.id(), column, c[0], c[1], c[2]));
            for (int i = 0; i < 3; i++) {
                total[i] += c[i];
            }
        });
        return new TodoReport(
                dryRun,
                board == null ? null : board.id(),
                board == null ? name : board.name(),
                create,
                total[0],
                total[1],
                total[2],
                report,
                warnings,
                null);
    }

    /** A column an item lands in; {@code id} is null in a dry run for a board not yet created. */
    private record Target(Section section, Long id, String name, ColumnKind kind) {}

    /**
     * Each section's column: the board's first column of the section's kind, else one named like the
     * section, else (reported) the first to-do column, else the first column.
     */
    private static Map<Section, Target> columnsFor(Board board, Document doc, List<Warning> warnings) {
        Map<Section, Target> result = new EnumMap<>(Section.class);
        for (Section s : Section.values()) {
            if (board == null) {
                result.put(s, new Target(s, null, DEFAULT_COLUMNS.get(s), s.kind));
                continue;
            }
            BoardColumn column = board.firstOfKind(s.kind);
            if (column == null) {
                column = board.columns().stream()
                        .filter(c -> c.name().equalsIgnoreCase(s.heading))
                        .findFirst()
                        .orElse(null);
            }
            if (column == null) {
                column = board.firstOfKind(ColumnKind.TODO) != null
                        ? board.firstOfKind(ColumnKind.TODO)
                        : board.columns().getFirst();
                if (doc.items().stream().anyMatch(i -> i.section() == s)) {
                    warnings.add(new Warning(
                            null,
                            "board '" + board.name() + "' has no " + s.heading + " column; its tasks go to '"
                                    + column.name() + "'",
                            null));
                }
            }
            result.put(s, new Target(s, column.id(), column.name(), column.kind()));
        }
        return result;
    }

    private static RestoredTask newTask(Item item, long boardId, Target column, long position, String actor) {
        String status =
                item.cancelled() ? "cancelled" : item.checked() ? "completed" : Targets.statusOnArrival(column.kind());
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (item.originalId() != null) {
            metadata.put("original_id", item.originalId());
        }
        if (item.createdAt() != null) {
            metadata.put("original_created_at", item.createdAt().original());
        }
        if (item.completedAt() != null) {
            metadata.put("original_completed_at", item.completedAt().original());
        }
        if (!item.extra().isEmpty()) {
            metadata.put("todo_extra", item.extra());
        }
        return new RestoredTask(
                boardId,
                column.id(),
                position,
                item.title(),
                item.description(),
                null,
                status,
                item.cancelled() ? (item.cancelReason() == null ? "cancelled in TODO.md" : item.cancelReason()) : null,
                item.priority().toString(),
                item.epic(),
                null,
                item.owner() == null ? null : item.owner().toString(),
                item.assignee(),
                actor,
                null,
                item.occurrenceCount(),
                metadata,
                item.createdAt() == null ? null : item.createdAt().instant(),
                status.equals("completed") && item.completedAt() != null
                        ? item.completedAt().instant()
                        : null,
                null,
                null,
                null);
    }

    /**
     * The tasks already on the board, each matching at most one line: by original id when the line has
     * one (falling back to text among tasks without an original id), else by text, in any column of the
     * line's section (a board's review and blocked columns are its In Progress too, as the export writes
     * them) or the column the line would go to.
     */
    private static final class Matches {
        private final Map<String, Deque<Existing>> byOriginalId = new HashMap<>();
        private final Map<String, Deque<Existing>> byTitle = new HashMap<>();
        private final Set<Long> used = new HashSet<>();

        Matches(List<Existing> existing) {
            for (Existing e : existing) {
                if (e.originalId() != null) {
                    byOriginalId
                            .computeIfAbsent(e.originalId(), k -> new ArrayDeque<>())
                            .add(e);
                }
                byTitle.computeIfAbsent(e.title(), k -> new ArrayDeque<>()).add(e);
            }
        }

        /** Whether the line matches a task not matched yet; {@code columns}: where its section's tasks may be. */
        boolean take(Item item, Set<Long> columns) {
            if (item.originalId() != null
                    && takeFrom(byOriginalId.get(item.originalId().toString()), null, false)) {
                return true;
            }
            return takeFrom(byTitle.get(item.title()), columns, item.originalId() != null);
        }

        private boolean takeFrom(Deque<Existing> candidates, Set<Long> columns, boolean onlyWithoutOriginalId) {
            if (candidates == null) {
                return false;
            }
            for (Existing e : candidates) {
                if (!used.contains(e.id())
                        && (columns == null || columns.contains(e.columnId()))
                        && !(onlyWithoutOriginalId && e.originalId() != null)) {
                    used.add(e.id());
                    return true;
                }
            }
            return false;
        }
    }
}
