package dev.agentkanban.transfer;

import dev.agentkanban.analytics.FlowFigures;
import dev.agentkanban.board.Boards;
import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.comment.Comments;
import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.evidence.Evidences;
import dev.agentkanban.evidence.RestoredEvidence;
import dev.agentkanban.field.CustomField;
import dev.agentkanban.field.CustomFields;
import dev.agentkanban.field.FieldType;
import dev.agentkanban.history.HistoryLog;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Roles;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.JsonLimits;
import dev.agentkanban.platform.StoredJson;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.rule.Rules;
import dev.agentkanban.tag.Tags;
import dev.agentkanban.task.Checklists;
import dev.agentkanban.task.Position;
import dev.agentkanban.task.Relations;
import dev.agentkanban.task.RestoredTask;
import dev.agentkanban.task.TaskArchive;
import dev.agentkanban.task.Tasks;
import dev.agentkanban.transfer.ImportProgress.Progress;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Restores a workspace document written by {@link JsonExport} into the request's workspace, which
 * must hold no boards (else 409): boards, columns, tags, tasks, comments, evidence, checklists, the
 * relations between tasks and the audit trail come back as they were, with new ids. The document is read while it arrives (a task at a time), in
 * one transaction: a document that breaks anywhere restores nothing.
 *
 * <p>What is regenerated: every id (references follow), the tasks' {@code version} (1) and
 * {@code updated_at} (= {@code created_at}), which the database's task trigger owns. The restored
 * trail replaces the {@code created} rows the trigger writes; the import itself is announced by one
 * {@code board_created} and one {@code bulk_update} ({@code "import": "json"}) event per board.
 */
@Service
class JsonImport {

    static final String SOURCE = "json";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Transactions tx;
    private final TransferRepository repo;
    private final Boards boards;
    private final Tasks taskApi;
    private final TaskArchive archiveApi;
    private final Tags tagApi;
    private final Comments commentApi;
    private final Evidences evidenceApi;
    private final HistoryLog trail;
    private final Checklists checklistApi;
    private final Relations relationApi;
    private final Outbox outbox;
    private final JsonMapper json;
    private final FlowFigures flowFigures;
    private final CustomFields fieldApi;
    private final Rules rules;

    JsonImport(
            Transactions tx,
            TransferRepository repo,
            Boards boards,
            Tasks tasks,
            TaskArchive archive,
            Tags tags,
            Comments comments,
            Evidences evidences,
            HistoryLog history,
            Checklists checklists,
            Relations relations,
            Outbox outbox,
            JsonMapper json,
            CustomFields fields,
            FlowFigures flowFigures,
            Rules rules) {
        this.fieldApi = fields;
        this.flowFigures = flowFigures;
        this.rules = rules;
        this.checklistApi = checklists;
        this.relationApi = relations;
        this.taskApi = tasks;
        this.archiveApi = archive;
        this.tagApi = tags;
        this.commentApi = comments;
        this.evidenceApi = evidences;
        this.trail = history;
        this.tx = tx;
        this.repo = repo;
        this.boards = boards;
        this.outbox = outbox;
        this.json = json;
    }

    record RestoredBoard(long id, String name, int tasks) {}

    record Restored(
            int boards,
            int columns,
            int tasks,
            int tags,
            int comments,
            int evidence,
            int history,
            List<RestoredBoard> boardList) {

        String describe() {
            StringBuilder out = new StringBuilder();
            boardList.forEach(b -> out.append("Board '")
                    .append(b.name())
                    .append("' (id ")
                    .append(b.id())
                    .append("): ")
                    .append(b.tasks())
                    .append(" tasks\n"));
            return out.append(String.format(
                            "Restored %d boards, %d columns, %d tasks, %d tags, %d comments, %d evidence,"
                                    + " %d history rows%n",
                            boards, columns, tasks, tags, comments, evidence, history))
                    .toString();
        }
    }

    /** Restores the document read from {@code in}; 409 when the workspace has boards, 400/422 for a bad document. */
    Restored restore(InputStream in) {
        return restore(in, Progress.NONE);
    }

    /**
     * As {@link #restore(InputStream)}, counting the tasks restored into {@code progress}; the total is
     * the document's {@code task_count} (written by exports since V36; older documents have none).
     */
    Restored restore(InputStream in, Progress progress) {
        Roles.require(Role.MEMBER);
        return tx.write(() -> {
            RequestContext ctx = CurrentRequest.get();
            repo.takeImportTurn(ctx.workspaceId());
            JsonParser parser = json.createParser(in);
            try (JsonParser p = parser) {
                // the history arrives row by row: the flow figures are rebuilt once, set-based, at the end
                return flowFigures.deferred(
                        ctx.workspaceId(), () -> new Reader(ctx.workspaceId(), ctx.actor(), p, progress).read());
            } catch (StreamConstraintsException e) {
                throw JsonLimits.refused(e);
            } catch (StreamReadException e) {
                throw ApiException.badRequest(
                        "the document is not valid JSON: " + e.getOriginalMessage() + at(e.getLocation()));
            } catch (JacksonException e) {
                // valid JSON, but a value of another type than its place needs (a title that is an object,
                // a position that is text): named by where the reader was
                throw invalid("document", "holds a value of the wrong type" + at(parser.currentLocation()));
            }
        });
    }

    private static String at(TokenStreamLocation where) {
        return where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
    }

    /** One pass over the document; old ids map to new ones as they are written. */
    private final class Reader {
        private final long ws;
        private final String actor;
        private final JsonParser p;
        private final Progress progress;
        private final Map<Long, Long> boardIds = new HashMap<>();
        private final Map<Long, Long> taskIds = new HashMap<>();
        private final Map<Long, Long> goneBoards = new HashMap<>();
        private final Map<Long, Long> goneTasks = new HashMap<>();
        private final Map<String, Long> tagIds = new HashMap<>();
        private final List<Long> restoredTasks = new ArrayList<>();
        private final List<RestoredBoard> restoredBoards = new ArrayList<>();
        private boolean formatSeen;
        private boolean emptinessChecked;
        private int columns;
        private int tags;
        private int comments;
        private int evidence;
        private int history;

        Reader(long ws, String actor, JsonParser p, Progress progress) {
            this.ws = ws;
            this.actor = actor;
            this.p = p;
            this.progress = progress;
            progress.done(0);
        }

        Restored read() {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw ApiException.badRequest("the document is empty");
            }
            if (first != JsonToken.START_OBJECT) {
                throw invalid("document", "must be a JSON object");
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "format" -> {
                        if (!JsonExport.FORMAT.equals(p.getValueAsString())) {
                            throw invalid("format", "must be \"" + JsonExport.FORMAT + "\"");
                        }
                        formatSeen = true;
                    }
                    case "version" -> {
                        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getIntValue() != JsonExport.VERSION) {
                            throw invalid("version", "this server reads version " + JsonExport.VERSION);
                        }
                    }
                    case "task_count" -> {
                        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getLongValue() >= 0) {
                            progress.total((int) Math.min(Integer.MAX_VALUE, p.getLongValue()));
                        }
                    }
                    case "tags" -> tags(p.readValueAsTree());
                    case "boards" -> {
                        requireFormat();
                        expect(JsonToken.START_ARRAY, "boards");
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            board();
                        }
                    }
                    case "relations" -> {
                        requireFormat();
                        expect(JsonToken.START_ARRAY, "relations");
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            relation(p.readValueAsTree());
                        }
                    }
                    case "history" -> {
                        requireFormat();
                        expect(JsonToken.START_ARRAY, "history");
                        // the restored trail replaces the rows the insert trigger just wrote
                        if (!restoredTasks.isEmpty()) {
                            trail.forget(restoredTasks);
                        }
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            history(p.readValueAsTree());
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            requireFormat();
            return new Restored(
                    restoredBoards.size(),
                    columns,
                    restoredTasks.size(),
                    tags,
                    comments,
                    evidence,
                    history,
                    List.copyOf(restoredBoards));
        }

        /**
         * Called before the first write and at the end: the document must have said what it is, and only
         * then is the workspace's state looked at, so that a body that is not JSON or not a workspace
         * document is a 400/422 whatever the workspace holds, and a 409 means the document itself is one.
         */
        private void requireFormat() {
            if (!formatSeen) {
                throw invalid(
                        "format",
                        "not an Agent Kanban workspace document: \"format\": \"" + JsonExport.FORMAT
                                + "\" must come first");
            }
            if (!emptinessChecked) {
                emptinessChecked = true;
                if (repo.boardCount(ws) > 0) {
                    throw ApiException.conflict(
                            "workspace-not-empty",
                            "a workspace document is restored only into a workspace without boards; this one has"
                                    + " boards");
                }
            }
        }

        /** The document's tags become the workspace's tags exactly (no task carries a tag yet). */
        private void tags(JsonNode list) {
            requireFormat();
            if (!list.isArray()) {
                throw invalid("tags", "must be an array");
            }
            List<Long> kept = new ArrayList<>();
            for (JsonNode t : list) {
                String name = text(t, "name");
                if (name == null) {
                    throw invalid("tags[].name", "is required");
                }
                String color = t.hasNonNull("color") ? t.get("color").asString() : "#6b7280";
                long id = tagApi.restore(name, color, time(t, "created_at"));
                tagIds.put(name.toLowerCase(Locale.ROOT), id);
                kept.add(id);
                tags++;
            }
            tagApi.removeAllExcept(kept);
        }

        private void board() {
            Long oldId = null;
            String name = null;
            String description = null;
            long version = 1;
            String createdBy = null;
            Instant createdAt = null;
            Instant updatedAt = null;
            JsonNode columnList = null;
            JsonNode fieldList = null;
            JsonNode ruleList = null;
            Restoring board = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> oldId = value == JsonToken.VALUE_NULL ? null : p.getLongValue();
                    case "name" -> name = p.getValueAsString();
                    case "description" -> description = p.getValueAsString();
                    case "version" -> version = p.getValueAsLong(1);
                    case "created_by" -> createdBy = p.getValueAsString();
                    case "created_at" -> createdAt = parse(p.getValueAsString(), "boards[].created_at");
                    case "updated_at" -> updatedAt = parse(p.getValueAsString(), "boards[].updated_at");
                    case "columns" -> columnList = p.readValueAsTree();
                    case "fields" -> fieldList = p.readValueAsTree();
                    case "rules" -> ruleList = p.readValueAsTree();
                    case "tasks" -> {
                        board = board != null
                                ? board
                                : createBoard(
                                        oldId,
                                        name,
                                        description,
                                        version,
                                        createdBy,
                                        createdAt,
                                        updatedAt,
                                        columnList,
                                        fieldList);
                        expect(JsonToken.START_ARRAY, "boards[].tasks");
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            task(board, p.readValueAsTree());
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (board == null) {
                board = createBoard(
                        oldId, name, description, version, createdBy, createdAt, updatedAt, columnList, fieldList);
            }
            if (ruleList != null) {
                if (!ruleList.isArray()) {
                    throw invalid("boards[].rules", "must be an array");
                }
                for (JsonNode rule : ruleList) {
                    rules.restore(board.id, rule, board.columns);
                }
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("import", SOURCE);
            summary.put("board_id", board.id);
            summary.put("tasks", board.tasks);
            outbox.append(EventType.BULK_UPDATE, board.id, null, summary);
            restoredBoards.add(new RestoredBoard(board.id, board.name, board.tasks));
        }

        /** A board being restored: its new id, its columns by old id, its task count so far. */
        private static final class Restoring {
            final long id;
            final String name;
            final Map<Long, Long> columns = new HashMap<>();
            final Map<Long, Long> nextPosition = new HashMap<>();
            final List<CustomField> fields = new ArrayList<>();
            int tasks;

            Restoring(long id, String name) {
                this.id = id;
                this.name = name;
            }
        }

        private Restoring createBoard(
                Long oldId,
                String name,
                String description,
                long version,
                String createdBy,
                Instant createdAt,
                Instant updatedAt,
                JsonNode columnList,
                JsonNode fieldList) {
            if (name == null || name.isBlank()) {
                throw invalid("boards[].name", "is required");
            }
            long id = boards.restoreBoard(
                    name.strip(), description, Math.max(1, version), createdBy, createdAt, updatedAt);
            Restoring board = new Restoring(id, name.strip());
            if (oldId != null) {
                boardIds.put(oldId, id);
            }
            if (columnList != null) {
                if (!columnList.isArray()) {
                    throw invalid("boards[].columns", "must be an array");
                }
                int index = 0;
                for (JsonNode c : columnList) {
                    String columnName = text(c, "name");
                    if (columnName == null) {
                        throw invalid("boards[].columns[].name", "is required");
                    }
                    String kind = c.hasNonNull("kind")
                            ? c.get("kind").asString()
                            : ColumnKind.inferFrom(columnName).toString();
                    long columnId = boards.restoreColumn(
                            id,
                            columnName,
                            c.hasNonNull("position") ? c.get("position").asInt() : index,
                            kind,
                            c.hasNonNull("wip_limit") ? c.get("wip_limit").asInt() : null,
                            time(c, "created_at"));
                    if (c.hasNonNull("id")) {
                        board.columns.put(c.get("id").asLong(), columnId);
                    }
                    index++;
                    columns++;
                }
            }
            if (fieldList != null) {
                restoreFields(board, fieldList);
            }
            outbox.append(EventType.BOARD_CREATED, id, null, boards.require(id));
            return board;
        }

        /** The board's custom fields (issue 17), before its tasks, whose values name them. */
        private void restoreFields(Restoring board, JsonNode list) {
            if (!list.isArray()) {
                throw invalid("boards[].fields", "must be an array");
            }
            int index = 0;
            for (JsonNode f : list) {
                String fieldName = text(f, "name");
                FieldType type;
                try {
                    type = FieldType.fromWire(text(f, "type"));
                } catch (IllegalArgumentException e) {
                    throw invalid("boards[].fields[].type", e.getMessage());
                }
                if (fieldName == null || type == null) {
                    throw invalid("boards[].fields[]", "a field needs a name and a type");
                }
                List<String> options = new ArrayList<>();
                f.path("options").forEach(o -> options.add(o.asString()));
                board.fields.add(fieldApi.restore(
                        board.id,
                        fieldName,
                        type,
                        options,
                        f.path("visible").asBoolean(false),
                        f.hasNonNull("position") ? f.get("position").asInt() : index));
                index++;
            }
        }

        private void task(Restoring board, JsonNode t) {
            Long column = t.hasNonNull("column_id")
                    ? board.columns.get(t.get("column_id").asLong())
                    : null;
            if (column == null) {
                throw invalid(
                        "tasks[].column_id", "task " + t.path("id") + " names no column of board '" + board.name + "'");
            }
            long position;
            if (t.hasNonNull("position")) {
                position = t.get("position").asLong();
            } else {
                position = board.nextPosition.merge(column, Position.GAP, Long::sum);
            }
            Map<String, Object> metadata =
                    t.hasNonNull("metadata") ? json.treeToValue(t.get("metadata"), MAP) : Map.of();
            StoredJson.check("tasks[].metadata", metadata);
            String title = text(t, "title");
            if (title == null) {
                throw invalid("tasks[].title", "task " + t.path("id") + " has no title");
            }
            long id = taskApi.restore(new RestoredTask(
                    board.id,
                    column,
                    position,
                    title,
                    raw(t, "description"),
                    raw(t, "acceptance_criteria"),
                    t.hasNonNull("status") ? t.get("status").asString() : "pending",
                    raw(t, "cancel_reason"),
                    t.hasNonNull("priority") ? t.get("priority").asString() : "medium",
                    raw(t, "epic"),
                    raw(t, "area"),
                    raw(t, "owner"),
                    raw(t, "assignee"),
                    raw(t, "created_by"),
                    time(t, "due_date"),
                    t.hasNonNull("occurrence_count") ? t.get("occurrence_count").asInt() : 1,
                    metadata,
                    time(t, "created_at"),
                    time(t, "completed_at"),
                    time(t, "column_entered_at"),
                    raw(t, "claimed_by"),
                    time(t, "claim_expires_at"),
                    t.hasNonNull("fields") && t.get("fields").isObject()
                            ? CustomFields.keyed(board.fields, json.treeToValue(t.get("fields"), MAP))
                            : Map.of()));
            archiveApi.hideRestored(
                    id, time(t, "archived_at"), raw(t, "archived_by"), time(t, "deleted_at"), raw(t, "deleted_by"));
            if (t.hasNonNull("id")) {
                taskIds.put(t.get("id").asLong(), id);
            }
            restoredTasks.add(id);
            progress.done(restoredTasks.size());
            board.tasks++;
            for (JsonNode tag : t.path("tags")) {
                String name = tag.asString().strip();
                if (!name.isEmpty()) {
                    long tagId = tagIds.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> tagApi.idOf(name));
                    tagApi.attachRestored(id, tagId);
                }
            }
            for (JsonNode c : t.path("comments")) {
                commentApi.restore(
                        id,
                        c.hasNonNull("author") ? c.get("author").asString() : actor,
                        raw(c, "body"),
                        time(c, "created_at"),
                        time(c, "updated_at"));
                comments++;
            }
            for (JsonNode e : t.path("evidence")) {
                evidence(id, e);
            }
            long itemPosition = 0;
            for (JsonNode i : t.path("checklist")) {
                String text = text(i, "text");
                if (text == null || text.length() > 500) {
                    throw invalid(
                            "tasks[].checklist[].text",
                            "task " + t.path("id") + " has a checklist item without text"
                                    + " or longer than 500 characters");
                }
                itemPosition += Position.GAP;
                checklistApi.restore(
                        id,
                        itemPosition,
                        text,
                        i.path("done").asBoolean(false),
                        raw(i, "assignee"),
                        time(i, "due_date"),
                        raw(i, "created_by"),
                        time(i, "created_at"));
            }
        }

        /** A relation between two restored tasks (V20), by the document's task ids. */
        private void relation(JsonNode r) {
            String kind = text(r, "kind");
            if (kind == null
                    || !List.of("blocks", "parent", "relates_to", "duplicate_of")
                            .contains(kind)) {
                throw invalid("relations[].kind", "must be one of blocks, parent, relates_to, duplicate_of");
            }
            Long from = taskIds.get(r.path("from_task_id").asLong(-1));
            Long to = taskIds.get(r.path("to_task_id").asLong(-1));
            if (from == null || to == null || from.equals(to)) {
                throw invalid("relations[]", "a relation names a task the document does not have: " + r);
            }
            boolean symmetric = kind.equals("relates_to");
            try {
                relationApi.restore(
                        kind,
                        symmetric ? Math.min(from, to) : from,
                        symmetric ? Math.max(from, to) : to,
                        raw(r, "created_by"),
                        time(r, "created_at"));
            } catch (ApiException e) {
                // the relation rules (cycle, second parent, depth) speak of the new ids: say it with the document's
                long docFrom = r.path("from_task_id").asLong();
                long docTo = r.path("to_task_id").asLong();
                String why = switch (e.type()) {
                    case "cycle" ->
                        "closes the cycle " + documentPath(e.properties().get("path"));
                    case "has-parent" -> "gives task " + docTo + " a second parent";
                    case "too-deep" ->
                        "nests subtasks more than " + e.properties().get("max_depth") + " levels deep";
                    default -> e.getMessage();
                };
                throw invalid(
                        "relations[]",
                        kind + " from task " + docFrom + " to task " + docTo + " " + why + "; nothing was restored");
            }
        }

        /** A cycle's path of restored task ids, as the document's ids ({@code #3 > #4 > #3}). */
        private String documentPath(Object path) {
            Map<Long, Long> back = new HashMap<>();
            taskIds.forEach((doc, restored) -> back.put(restored, doc));
            List<String> ids = new ArrayList<>();
            if (path instanceof List<?> list) {
                for (Object id : list) {
                    Long restored = ((Number) id).longValue();
                    ids.add("#" + back.getOrDefault(restored, restored));
                }
            }
            return String.join(" > ", ids);
        }

        private void evidence(long taskId, JsonNode e) {
            byte[] content = null;
            String sha256 = null;
            if (e.hasNonNull("content_base64")) {
                try {
                    content = Base64.getMimeDecoder()
                            .decode(e.get("content_base64").asString());
                } catch (IllegalArgumentException ex) {
                    throw invalid("evidence[].content_base64", "is not base64");
                }
                sha256 = sha256(content);
                if (e.hasNonNull("sha256") && !e.get("sha256").asString().equalsIgnoreCase(sha256)) {
                    throw invalid(
                            "evidence[].sha256",
                            "the content of evidence " + e.path("id") + " does not match its sha256");
                }
            }
            evidenceApi.restore(
                    taskId,
                    new RestoredEvidence(
                            e.hasNonNull("kind") ? e.get("kind").asString() : "file",
                            raw(e, "note"),
                            raw(e, "url"),
                            e.hasNonNull("measurement_value")
                                    ? e.get("measurement_value").asDouble()
                                    : null,
                            raw(e, "measurement_unit"),
                            raw(e, "filename"),
                            raw(e, "content_type"),
                            content,
                            sha256,
                            e.hasNonNull("latitude") ? e.get("latitude").asDouble() : null,
                            e.hasNonNull("longitude") ? e.get("longitude").asDouble() : null,
                            time(e, "captured_at"),
                            raw(e, "created_by"),
                            time(e, "created_at")));
            evidence++;
        }

        /** A history row with its task and board mapped; rows of tasks or boards that no longer exist get fresh ids. */
        private void history(JsonNode h) {
            if (!h.hasNonNull("task_id") || !h.hasNonNull("action")) {
                throw invalid("history[]", "every row needs task_id and action");
            }
            long oldTask = h.get("task_id").asLong();
            Long task = taskIds.get(oldTask);
            if (task == null) {
                task = goneTasks.computeIfAbsent(oldTask, k -> taskApi.reserveId());
            }
            Long board = null;
            if (h.hasNonNull("board_id")) {
                long oldBoard = h.get("board_id").asLong();
                board = boardIds.get(oldBoard);
                if (board == null) {
                    board = goneBoards.computeIfAbsent(oldBoard, k -> boards.reserveId());
                }
            }
            trail.restore(
                    board,
                    task,
                    h.get("action").asString(),
                    raw(h, "field"),
                    raw(h, "old_value"),
                    raw(h, "new_value"),
                    h.hasNonNull("actor") ? h.get("actor").asString() : "system",
                    time(h, "occurred_at"));
            history++;
        }

        private void expect(JsonToken token, String field) {
            if (p.currentToken() != token) {
                throw invalid(field, "must be " + (token == JsonToken.START_ARRAY ? "an array" : "an object"));
            }
        }

        private Instant time(JsonNode node, String field) {
            return node.hasNonNull(field) ? parse(node.get(field).asString(), field) : null;
        }
    }

    private static String raw(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asString() : null;
    }

    private static String text(JsonNode node, String field) {
        String value = raw(node, field);
        return value == null || value.isBlank() ? null : value;
    }

    private static Instant parse(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(field, "'" + value + "' is not an ISO-8601 timestamp");
        }
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.invalid(field, message);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
