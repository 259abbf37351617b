package dev.agentkanban.transfer;

import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.BoardRequests.ColumnSpec;
import dev.agentkanban.board.BoardRequests.CreateBoard;
import dev.agentkanban.board.Boards;
import dev.agentkanban.field.CustomField;
import dev.agentkanban.field.CustomFields;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Roles;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.ApiException.FieldError;
import dev.agentkanban.platform.ReplicaReads;
import dev.agentkanban.platform.StoredJson;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.tag.Tags;
import dev.agentkanban.task.Owner;
import dev.agentkanban.task.Priority;
import dev.agentkanban.task.RelationKind;
import dev.agentkanban.task.Relations;
import dev.agentkanban.task.RestoredTask;
import dev.agentkanban.task.TaskStatus;
import dev.agentkanban.task.Tasks;
import dev.agentkanban.transfer.Csv.Row;
import dev.agentkanban.transfer.ImportProgress.Progress;
import dev.agentkanban.transfer.TransferRepository.ExportedTask;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * CSV export and import of a board's tasks (RFC 4180, UTF-8). The columns are {@link #HEADER}; an
 * import reads them by header name in any order, needs only {@code title}, and ignores (and reports)
 * columns it does not know. The import is strict: a row it cannot take is a 422 naming the row and the
 * column, and nothing is imported. Tasks are appended to their columns in row order with new ids;
 * {@code id} only names a row for the {@code parent_id} and {@code blocked_by} (ids separated by
 * semicolons) of other rows of the same file, which become relations with the relation API's checks.
 * Custom fields (issue 17) are columns {@code cf.<field name>} after these: the export writes one per
 * field of the board (a multi select's options separated by commas), the import checks each cell
 * against the board's field of that name like the API does.
 */
@Service
class CsvTransfer {

    static final List<String> HEADER = List.of(
            "id",
            "column",
            "title",
            "description",
            "acceptance_criteria",
            "status",
            "cancel_reason",
            "priority",
            "epic",
            "area",
            "owner",
            "assignee",
            "due_date",
            "occurrence_count",
            "tags",
            "created_at",
            "completed_at",
            "metadata",
            "parent_id",
            "blocked_by");
    /** Task ids in the {@code blocked_by} column are separated by semicolons. */
    static final String ID_SEPARATOR = "; ";
    /**
     * Tag names in the {@code tags} column are separated by semicolons (a tag made before names lost their
     * commas may still hold one).
     */
    static final String TAG_SEPARATOR = "; ";

    static final String SOURCE = "csv";

    /** The header of a custom field's column: {@code cf.<field name>}. */
    static final String FIELD_PREFIX = "cf.";

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final Set<String> STATUSES = Set.of("pending", "in_progress", "completed", "cancelled");

    private final Transactions tx;
    private final ReplicaReads replica;
    private final Boards boards;
    private final Targets targets;
    private final TransferRepository repo;
    private final ImportedTasks imported;
    private final Tags tags;
    private final Relations relations;
    private final JsonMapper json;
    private final CustomFields fields;

    CsvTransfer(
            Transactions tx,
            ReplicaReads replica,
            Boards boards,
            Targets targets,
            TransferRepository repo,
            ImportedTasks imported,
            Tags tags,
            Relations relations,
            JsonMapper json,
            CustomFields fields) {
        this.fields = fields;
        this.tx = tx;
        this.replica = replica;
        this.boards = boards;
        this.targets = targets;
        this.repo = repo;
        this.imported = imported;
        this.tags = tags;
        this.relations = relations;
        this.json = json;
    }

    record Exported(Board board, String text) {}

    record ColumnCount(Long columnId, String column, int imported) {}

    record CsvReport(
            long boardId,
            String board,
            boolean boardCreated,
            int imported,
            List<ColumnCount> columns,
            List<String> ignoredColumns) {

        String describe() {
            StringBuilder out = new StringBuilder("Board '")
                    .append(board)
                    .append("' (id ")
                    .append(boardId)
                    .append(')')
                    .append(boardCreated ? ", created" : "")
                    .append('\n');
            columns.forEach(c -> out.append(String.format("  %-12s imported %d%n", c.column() + ":", c.imported())));
            out.append("Total: imported ").append(imported).append('\n');
            if (!ignoredColumns.isEmpty()) {
                out.append("Ignored columns: ")
                        .append(String.join(", ", ignoredColumns))
                        .append('\n');
            }
            return out.toString();
        }
    }

    // ---- export ----

    Exported export(BoardTarget target) {
        requireBoard(target);
        return replica.read(() -> {
            Board board = targets.require(target, target.name());
            List<CustomField> defined = fields.ofBoard(board.id());
            List<String> header = new ArrayList<>(HEADER);
            defined.forEach(f -> header.add(FIELD_PREFIX + f.name()));
            StringBuilder out = new StringBuilder(Csv.record(header));
            for (ExportedTask t : repo.boardTasks(CurrentRequest.get().workspaceId(), board.id())) {
                List<String> cells = new ArrayList<>(Arrays.asList(
                        Long.toString(t.id()),
                        t.column(),
                        t.title(),
                        t.description(),
                        t.acceptanceCriteria(),
                        t.status(),
                        t.cancelReason(),
                        t.priority(),
                        t.epic(),
                        t.area(),
                        t.owner(),
                        t.assignee(),
                        text(t.dueDate()),
                        Integer.toString(t.occurrenceCount()),
                        String.join(TAG_SEPARATOR, t.tags()),
                        text(t.createdAt()),
                        text(t.completedAt()),
                        t.metadata().isEmpty() ? "" : json.writeValueAsString(t.metadata()),
                        t.parentId() == null ? null : Long.toString(t.parentId()),
                        String.join(
                                ID_SEPARATOR,
                                t.blockedBy().stream().map(String::valueOf).toList())));
                defined.forEach(f -> cells.add(cell(t.fields().get(f.name()))));
                out.append(Csv.record(cells));
            }
            return new Exported(board, out.toString());
        });
    }

    /** A CSV file is one board's tasks: the board is always named (there is no default like TODO.md's). */
    private static void requireBoard(BoardTarget target) {
        if (target.id() == null && target.name() == null) {
            throw ApiException.invalid("board_id", "name the board: board_id=ID or board=NAME (CLI: --board)");
        }
    }

    /** A custom field's value as a cell: text as it is, a multi select's options separated by commas. */
    private static String cell(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> options) {
            return String.join(", ", options.stream().map(String::valueOf).toList());
        }
        return value.toString();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    // ---- import ----

    /** One row, checked: where it goes and what it says. */
    private record Parsed(
            int line,
            String column,
            RestoredTask task,
            List<String> tags,
            Long id,
            Long parentId,
            List<Long> blockedBy,
            Map<String, Object> fields) {}

    CsvReport importCsv(String text, BoardTarget target) {
        return importCsv(text, target, false);
    }

    /** Imports the rows; a dry run writes them in a transaction that is rolled back (its report is the preview). */
    CsvReport importCsv(String text, BoardTarget target, boolean dryRun) {
        return importCsv(text, target, dryRun, Progress.NONE);
    }

    /** As {@link #importCsv(String, BoardTarget, boolean)}, counting the rows written into {@code progress}. */
    CsvReport importCsv(String text, BoardTarget target, boolean dryRun, Progress progress) {
        Roles.require(Role.MEMBER);
        requireBoard(target);
        RequestContext ctx = CurrentRequest.get();
        List<Row> rows;
        try {
            rows = Csv.parse(text);
        } catch (Csv.MalformedCsv e) {
            throw ApiException.invalid("csv", e.getMessage());
        }
        if (rows.isEmpty()) {
            throw ApiException.invalid(
                    "csv", "the file is empty; the first line must name the columns, e.g. " + String.join(",", HEADER));
        }
        Map<String, Integer> header = new HashMap<>();
        List<String> ignored = new ArrayList<>();
        List<String> names = rows.getFirst().fields();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).strip().toLowerCase(Locale.ROOT);
            boolean field = name.startsWith(FIELD_PREFIX) && name.length() > FIELD_PREFIX.length();
            if ((HEADER.contains(name) || field) && !header.containsKey(name)) {
                header.put(name, i);
            } else {
                ignored.add(names.get(i));
            }
        }
        if (!header.containsKey("title")) {
            throw ApiException.invalid(
                    "csv",
                    "the first line must name the columns and include 'title'; known columns: "
                            + String.join(", ", HEADER));
        }
        List<FieldError> errors = new ArrayList<>();
        List<Parsed> parsed = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            Csv.Row row = rows.get(r);
            if (row.fields().size() > names.size()) {
                // values the first line names no column for would be dropped unseen: a shifted row, say
                errors.add(new FieldError(
                        "line " + row.line(),
                        "has " + row.fields().size() + " fields, but the first line names " + names.size()
                                + " columns"));
            }
            parsed.add(parse(row, header, ctx.actor(), errors));
        }
        checkReferences(parsed, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors.size() > 50 ? errors.subList(0, 50) : errors);
        }
        progress.total(parsed.size());
        return dryRun
                ? tx.rehearse(() -> write(parsed, target, ignored, progress))
                : tx.write(() -> write(parsed, target, ignored, progress));
    }

    private CsvReport write(List<Parsed> rows, BoardTarget target, List<String> ignored, Progress progress) {
        repo.takeImportTurn(CurrentRequest.get().workspaceId());
        Optional<Board> found = targets.find(target, target.name());
        boolean create = found.isEmpty();
        Board board = found.orElseGet(
                () -> boards.create(new CreateBoard(target.name(), "Imported from CSV", columnsOf(rows))));
        Map<String, BoardColumn> byName = new HashMap<>();
        board.columns().forEach(c -> byName.putIfAbsent(c.name().toLowerCase(Locale.ROOT), c));
        List<FieldError> unknown = new ArrayList<>();
        for (Parsed p : rows) {
            BoardColumn into = p.column() == null
                    ? board.columns().getFirst()
                    : byName.get(p.column().toLowerCase(Locale.ROOT));
            String status = p.task().status();
            if (into != null
                    && into.isDone()
                    && status != null
                    && !TaskStatus.valueOf(status.toUpperCase(Locale.ROOT)).fits(into)) {
                // a done column holds only closed tasks (the API's 409 status-column-conflict); a completed
                // task outside one is taken back as written, since the other imports make such tasks (a
                // TODO.md [x] under To Do, a Trello card due-complete in Doing) and the export writes them
                unknown.add(new FieldError(
                        "line " + p.line() + ": status",
                        "'" + status + "' does not fit column '" + into.name() + "' (" + into.kind()
                                + "): a done column holds completed or cancelled tasks"));
            }
            if (p.column() != null && !byName.containsKey(p.column().toLowerCase(Locale.ROOT))) {
                unknown.add(new FieldError(
                        "line " + p.line() + ": column",
                        "board '" + board.name() + "' has no column '" + p.column() + "'; its columns: "
                                + String.join(
                                        ", ",
                                        board.columns().stream()
                                                .map(BoardColumn::name)
                                                .toList())));
            }
        }
        if (!unknown.isEmpty()) {
            throw ApiException.invalid(unknown.size() > 50 ? unknown.subList(0, 50) : unknown);
        }
        ImportedTasks.Slots slots = imported.slots();
        Map<Long, ImportedTasks.Pending> newTasks = new HashMap<>();
        Map<Long, int[]> counts = new LinkedHashMap<>();
        board.columns().forEach(c -> counts.put(c.id(), new int[1]));
        ImportedTasks.Batch batch = imported.batch(SOURCE, progress::done);
        Map<String, Long> tagIds = new HashMap<>();
        for (Parsed p : rows) {
            BoardColumn column = p.column() == null
                    ? board.columns().getFirst()
                    : byName.get(p.column().toLowerCase(Locale.ROOT));
            RestoredTask t = p.task();
            String status = t.status() != null ? t.status() : Targets.statusOnArrival(column);
            ImportedTasks.Pending task = batch.add(new RestoredTask(
                            board.id(),
                            column.id(),
                            slots.next(column.id()),
                            t.title(),
                            t.description(),
                            t.acceptanceCriteria(),
                            status,
                            t.cancelReason(),
                            t.priority(),
                            t.epic(),
                            t.area(),
                            t.owner(),
                            t.assignee(),
                            t.createdBy(),
                            t.dueDate(),
                            t.occurrenceCount(),
                            t.metadata(),
                            t.createdAt(),
                            status.equals("completed") ? t.completedAt() : null,
                            null,
                            null,
                            null)
                    .withCustomFields(fieldValues(board, p)));
            // each name looked up (or created with the default colour) once per import, case-insensitively
            new LinkedHashSet<>(p.tags().stream()
                            .map(n -> tagIds.computeIfAbsent(n.toLowerCase(Locale.ROOT), k -> tagId(p.line(), n)))
                            .toList())
                    .forEach(task::tag);
            counts.get(column.id())[0]++;
            if (p.id() != null) {
                newTasks.put(p.id(), task);
            }
        }
        batch.finish();
        Map<Long, Long> newIds = new HashMap<>();
        newTasks.forEach((row, task) -> newIds.put(row, task.id()));
        // the breakdown between the file's rows, with the checks of the relation API (a cycle refuses the file)
        for (Parsed p : rows) {
            if (p.parentId() != null) {
                relations.relate(newIds.get(p.parentId()), RelationKind.CHILD, newIds.get(p.id()));
            }
            for (long blocker : p.blockedBy()) {
                relations.relate(newIds.get(p.id()), RelationKind.BLOCKED_BY, newIds.get(blocker));
            }
        }
        List<ColumnCount> report = new ArrayList<>();
        int total = 0;
        for (BoardColumn c : board.columns()) {
            int n = counts.get(c.id())[0];
            if (n > 0) {
                report.add(new ColumnCount(c.id(), c.name(), n));
                total += n;
            }
        }
        return new CsvReport(board.id(), board.name(), create, total, report, ignored);
    }

    /**
     * The id of the workspace's tag of this name (created when missing); a name with control characters, or
     * a new name with a comma (tag names take none, Tags.name), is a 422.
     */
    private long tagId(int line, String name) {
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid("line " + line + ": tags", "a tag name must not contain control characters");
        }
        if (name.indexOf(',') >= 0 && !tags.exists(name)) {
            throw ApiException.invalid("line " + line + ": tags", "a tag name must not contain a comma: " + name);
        }
        return tags.idOf(name);
    }

    /** The row's custom field values checked against the board's fields; a refusal names the line. */
    private Map<String, Object> fieldValues(Board board, Parsed p) {
        if (p.fields().isEmpty()) {
            return Map.of();
        }
        try {
            return fields.apply(board.id(), Map.of(), p.fields(), true);
        } catch (ApiException e) {
            if (!(e.properties().get("errors") instanceof List<?> refused)) {
                throw e;
            }
            throw ApiException.invalid(refused.stream()
                    .map(r -> (FieldError) r)
                    .map(r -> new FieldError(
                            "line " + p.line() + ": " + FIELD_PREFIX
                                    + r.field().substring(r.field().indexOf('.') + 1),
                            r.message()))
                    .toList());
        }
    }

    /** The columns of a board the import creates: those the rows name, in order of appearance; else the defaults. */
    private static List<ColumnSpec> columnsOf(List<Parsed> rows) {
        Map<String, String> names = new LinkedHashMap<>();
        rows.stream()
                .map(Parsed::column)
                .filter(c -> c != null)
                .forEach(c -> names.putIfAbsent(c.toLowerCase(Locale.ROOT), c));
        if (names.isEmpty()) {
            return null;
        }
        return names.values().stream()
                .map(n -> new ColumnSpec(null, n, null, null))
                .toList();
    }

    private Parsed parse(Row row, Map<String, Integer> header, String actor, List<FieldError> errors) {
        Fields f = new Fields(row, header, errors);
        String title = f.text("title", 500);
        if (title == null && f.ok("title")) {
            f.error("title", "must not be blank");
        }
        String column = f.text("column", 100);
        String status = f.text("status", 20);
        if (status != null && !STATUSES.contains(status.toLowerCase(Locale.ROOT))) {
            f.error("status", "must be one of pending, in_progress, completed, cancelled");
            status = null;
        }
        status = status == null ? null : status.toLowerCase(Locale.ROOT);
        String priority = f.text("priority", 20);
        if (priority != null) {
            try {
                priority = Priority.fromWire(priority).toString();
            } catch (IllegalArgumentException e) {
                f.error("priority", e.getMessage());
            }
        }
        String owner = f.text("owner", 10);
        if (owner != null) {
            try {
                owner = Owner.valueOf(owner.toUpperCase(Locale.ROOT)).toString();
            } catch (IllegalArgumentException e) {
                f.error("owner", "must be user or agent");
            }
        }
        Integer occurrences = 1;
        String count = f.text("occurrence_count", 12);
        if (count != null) {
            try {
                occurrences = Integer.parseInt(count);
                if (occurrences < 1) {
                    f.error("occurrence_count", "must be at least 1");
                }
            } catch (NumberFormatException e) {
                f.error("occurrence_count", "must be a whole number");
            }
        }
        Map<String, Object> metadata = Map.of();
        String meta = f.raw("metadata");
        if (meta != null && !meta.isBlank()) {
            try {
                metadata = json.readValue(meta, MAP);
                if (metadata == null || meta.getBytes(StandardCharsets.UTF_8).length > Tasks.MAX_METADATA_BYTES) {
                    f.error("metadata", "must be a JSON object of at most " + Tasks.MAX_METADATA_BYTES + " bytes");
                    metadata = Map.of();
                }
                StoredJson.check("metadata", metadata);
            } catch (ApiException e) {
                f.error("metadata", e.getMessage());
                metadata = Map.of();
            } catch (JacksonException e) {
                f.error("metadata", "must be a JSON object");
            }
        }
        List<String> tagNames = new ArrayList<>();
        String tagText = f.raw("tags");
        if (tagText != null) {
            Set<String> distinct = new LinkedHashSet<>();
            for (String name : tagText.split(";")) {
                String n = name.strip();
                if (n.isEmpty()) {
                    continue;
                }
                if (n.codePointCount(0, n.length()) > 50) {
                    f.error("tags", "a tag name has at most 50 characters: " + n);
                } else {
                    distinct.add(n);
                }
            }
            tagNames.addAll(distinct);
        }
        RestoredTask task = new RestoredTask(
                0,
                0,
                0,
                title,
                f.raw("description", 100_000),
                f.raw("acceptance_criteria", 20_000),
                status,
                f.text("cancel_reason", 2000),
                priority == null ? "medium" : priority,
                f.text("epic", 200),
                f.text("area", 200),
                owner,
                f.text("assignee", 200),
                actor,
                f.time("due_date"),
                occurrences,
                metadata,
                f.time("created_at"),
                f.time("completed_at"),
                null,
                null,
                null);
        Long id = quietId(f.raw("id")); // an id column of another tool's file only matters when a row refers to it
        Long parent = f.id("parent_id");
        List<Long> blockedBy = new ArrayList<>();
        String blockers = f.raw("blocked_by");
        if (blockers != null) {
            for (String part : blockers.split(";")) {
                if (!part.isBlank()) {
                    Long blocker = f.number("blocked_by", part.strip());
                    if (blocker != null) {
                        blockedBy.add(blocker);
                    }
                }
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        header.keySet().stream()
                .filter(h -> h.startsWith(FIELD_PREFIX))
                .sorted()
                .forEach(h -> {
                    String v = f.raw(h, 2000);
                    if (v != null) {
                        values.put(h.substring(FIELD_PREFIX.length()), v);
                    }
                });
        return new Parsed(row.line(), column, task, tagNames, id, parent, blockedBy, values);
    }

    private static Long quietId(String v) {
        try {
            return v == null ? null : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** parent_id and blocked_by name rows of the same file by their id column. */
    private static void checkReferences(List<Parsed> rows, List<FieldError> errors) {
        if (rows.stream().allMatch(p -> p.parentId() == null && p.blockedBy().isEmpty())) {
            return;
        }
        Set<Long> ids = new HashSet<>();
        for (Parsed p : rows) {
            if (p.id() != null && !ids.add(p.id())) {
                errors.add(new FieldError("line " + p.line() + ": id", "id " + p.id() + " is on another row too"));
            }
        }
        for (Parsed p : rows) {
            List<Long> named = new ArrayList<>(p.blockedBy());
            if (p.parentId() != null) {
                named.add(p.parentId());
            }
            if (!named.isEmpty() && p.id() == null) {
                errors.add(new FieldError(
                        "line " + p.line() + ": id", "a row with parent_id or blocked_by needs its own id"));
            }
            for (long ref : named) {
                if (!ids.contains(ref)) {
                    errors.add(new FieldError(
                            "line " + p.line() + ": " + (p.blockedBy().contains(ref) ? "blocked_by" : "parent_id"),
                            "no row of this file has id " + ref));
                }
            }
        }
    }

    /** The values of one row by column name, collecting what is wrong with them. */
    private static final class Fields {
        private final Row row;
        private final Map<String, Integer> header;
        private final List<FieldError> errors;
        private final Set<String> failed = new HashSet<>();

        Fields(Row row, Map<String, Integer> header, List<FieldError> errors) {
            this.row = row;
            this.header = header;
            this.errors = errors;
        }

        /** The value as written (null when the column is absent or the cell empty). */
        String raw(String name) {
            Integer i = header.get(name);
            if (i == null || i >= row.fields().size()) {
                return null;
            }
            String v = row.fields().get(i);
            return v.isEmpty() ? null : v;
        }

        String raw(String name, int max) {
            String v = raw(name);
            if (v != null && v.codePointCount(0, v.length()) > max) {
                error(name, "has at most " + max + " characters");
                return null;
            }
            return v;
        }

        /** The value trimmed; null when blank. */
        String text(String name, int max) {
            String v = raw(name);
            if (v == null || v.isBlank()) {
                return null;
            }
            v = v.strip();
            if (v.codePointCount(0, v.length()) > max) {
                error(name, "has at most " + max + " characters");
                return null;
            }
            return v;
        }

        Instant time(String name) {
            String v = text(name, 64);
            if (v == null) {
                return null;
            }
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException e) {
                error(name, "must be an ISO-8601 timestamp like 2025-10-29T10:00:00Z");
                return null;
            }
        }

        /** A task id of the file (a positive whole number), or null when the cell is empty. */
        Long id(String name) {
            String v = text(name, 20);
            return v == null ? null : number(name, v);
        }

        Long number(String name, String v) {
            try {
                long n = Long.parseLong(v);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            error(name, "must be a task id (a positive whole number): " + v);
            return null;
        }

        boolean ok(String name) {
            return !failed.contains(name);
        }

        void error(String name, String message) {
            failed.add(name);
            errors.add(new FieldError("line " + row.line() + ": " + name, message));
        }
    }
}
