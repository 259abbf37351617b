package dev.agentkanban.rule;

import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.Boards;
import dev.agentkanban.board.ColumnDeleted;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.Identities;
import dev.agentkanban.identity.IdentityRecords.Member;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.ApiException.FieldError;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.platform.Versions;
import dev.agentkanban.rule.RuleDefinition.FieldRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rules feature's API: a board's rules (create, read, change, delete) and each rule's run log.
 * Definitions are checked whole before anything is written (422 naming every bad field): the columns a
 * rule names must be the board's, the members it notifies must be the workspace's. Boards of another
 * workspace answer 404 like missing ones.
 */
@Service
public class Rules {

    /** The parts of a rule that make its definition (the rest: name, enabled). */
    private static final Set<String> DEFINITION_PARTS = Set.of("trigger", "conditions", "actions");

    private final RuleRepository repo;
    private final Boards boards;
    private final Identities identities;
    private final Transactions tx;
    private final JsonMapper json;

    Rules(RuleRepository repo, Boards boards, Identities identities, Transactions tx, JsonMapper json) {
        this.repo = repo;
        this.boards = boards;
        this.identities = identities;
        this.tx = tx;
        this.json = json;
    }

    public List<Rule> list(long boardId) {
        long ws = ws();
        return tx.read(() -> {
            boards.require(boardId);
            return repo.list(ws, boardId);
        });
    }

    public Rule get(long boardId, long id) {
        long ws = ws();
        return tx.read(() -> {
            boards.require(boardId);
            return repo.find(ws, boardId, id, false).orElseThrow(() -> ApiException.notFound("rule", id));
        });
    }

    /** Creates a rule from its wire form: {@code name}, {@code enabled} (default true), {@code trigger}, {@code conditions}, {@code actions}. */
    public Rule create(long boardId, JsonNode body) {
        RequestContext ctx = CurrentRequest.get();
        requireObject(body);
        String name = name(body.get("name"));
        boolean enabled = enabled(body.get("enabled"), true);
        RuleDefinition d = RuleDefinition.parse(body.get("trigger"), body.get("conditions"), body.get("actions"));
        return tx.write(() -> {
            checkMembers(d, all -> true);
            Board board = boards.require(boardId);
            checkColumns(board, d, all -> true);
            requireFreeName(ctx.workspaceId(), boardId, name, null);
            long id = repo.insert(ctx.workspaceId(), boardId, name, enabled, d, ctx.actor(), null);
            return repo.find(ctx.workspaceId(), boardId, id, false).orElseThrow();
        });
    }

    /**
     * Changes the fields present in {@code body}; {@code expectedVersion} (If-Match) when given must be
     * current (412). The columns and members a rule names are checked where the change sends them, and
     * on the whole definition when the rule is on afterwards and its definition changed or it was just
     * switched on: a rule whose column was deleted or whose member left can always be switched off,
     * renamed or deleted, but not switched on again until its definition is mended.
     */
    public Rule update(long boardId, long id, Precondition expectedVersion, JsonNode body) {
        long ws = ws();
        requireObject(body);
        for (String field : body.propertyNames()) {
            if (!Set.of("name", "enabled", "trigger", "conditions", "actions").contains(field)) {
                throw ApiException.invalid(field, "is not a field of a rule");
            }
        }
        Set<String> sentParts = DEFINITION_PARTS.stream().filter(body::has).collect(Collectors.toSet());
        return tx.write(() -> {
            Board board = boards.require(boardId);
            Rule current = repo.find(ws, boardId, id, true).orElseThrow(() -> ApiException.notFound("rule", id));
            Versions.check(expectedVersion, current.version());
            String name = body.has("name") ? name(body.get("name")) : current.name();
            boolean enabled = enabled(body.get("enabled"), current.enabled());
            RuleDefinition d = sentParts.isEmpty()
                    ? current.definition()
                    : RuleDefinition.parse(
                            body.has("trigger") ? body.get("trigger") : json.valueToTree(current.trigger()),
                            body.has("conditions") ? body.get("conditions") : json.valueToTree(current.conditions()),
                            body.has("actions") ? body.get("actions") : json.valueToTree(current.actions()));
            boolean whole = enabled && (!sentParts.isEmpty() || !current.enabled());
            Predicate<String> checked = field -> whole || sentParts.contains(field.split("[.\\[]", 2)[0]);
            checkMembers(d, checked);
            checkColumns(board, d, checked);
            requireFreeName(ws, boardId, name, id);
            // the server's reason for switching it off holds until someone switches it on or off themselves
            String reason = enabled || body.has("enabled") ? null : current.disabledReason();
            repo.update(ws, id, name, enabled, reason, d);
            return repo.find(ws, boardId, id, false).orElseThrow();
        });
    }

    /**
     * A deleted column switches off, in the deleting transaction, the board's rules that name it, saying
     * so in their {@code disabled_reason}: left on, each would fail (or, saved into a template, come back
     * without the column and fire on everything).
     */
    @EventListener
    void columnDeleted(ColumnDeleted deleted) {
        Transactions.requireActive("rules naming a deleted column are switched off in the deleting transaction");
        long ws = ws();
        for (Rule rule : repo.list(ws, deleted.boardId())) {
            if (rule.definition().columnRefs().stream().anyMatch(r -> r.id() == deleted.columnId())) {
                repo.disable(
                        ws,
                        rule.id(),
                        "column '" + deleted.name() + "' (" + deleted.columnId()
                                + ") was deleted; mend the rule's columns to switch it on again");
            }
        }
    }

    public void delete(long boardId, long id, Precondition expectedVersion) {
        long ws = ws();
        tx.write(() -> {
            boards.require(boardId);
            Rule current = repo.find(ws, boardId, id, true).orElseThrow(() -> ApiException.notFound("rule", id));
            Versions.check(expectedVersion, current.version());
            repo.delete(ws, id);
        });
    }

    /** The rule's runs, newest first: what it did, what it skipped and why, where a loop was stopped. */
    public Page<RuleRun> runs(long boardId, long id, PageRequest page) {
        long ws = ws();
        return tx.readTogether(() -> {
            boards.require(boardId);
            repo.find(ws, boardId, id, false).orElseThrow(() -> ApiException.notFound("rule", id));
            return new Page<>(
                    repo.runs(ws, id, page.limit(), page.offset()),
                    repo.countRuns(ws, id),
                    page.limit(),
                    page.offset());
        });
    }

    // ---- for other features (templates, import), inside their write transactions ----

    /**
     * Writes a rule as it was elsewhere (a workspace import) onto a board, inside the caller's write
     * transaction: {@code rule} is the rule's exported form (as {@link #ofBoard} gives it), checked like a
     * new one (422 naming the bad field); {@code columnIds} maps the source's column ids to this board's.
     * A rule naming a column without a counterpart is left out (answers false); one naming people who
     * are not members here is restored switched off, for someone to look at.
     */
    public boolean restore(long boardId, JsonNode rule, Map<Long, Long> columnIds) {
        Transactions.requireActive("a restored rule must be written inside the caller's transaction");
        requireObject(rule);
        String name = name(rule.get("name"));
        boolean enabled = enabled(rule.get("enabled"), true);
        RuleDefinition d = RuleDefinition.parse(rule.get("trigger"), rule.get("conditions"), rule.get("actions"))
                .remapColumns(columnIds);
        if (d == null) {
            return false;
        }
        try {
            checkMembers(d, all -> true);
        } catch (ApiException notMembers) {
            enabled = false;
        }
        JsonNode by = rule.get("created_by");
        JsonNode at = rule.get("created_at");
        Instant createdAt;
        try {
            createdAt = at == null || !at.isString() ? null : Instant.parse(at.asString());
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.invalid("created_at", "must be an ISO-8601 instant");
        }
        RequestContext ctx = CurrentRequest.get();
        repo.insert(
                ctx.workspaceId(),
                boardId,
                name,
                enabled,
                d,
                by != null && by.isString() ? by.asString() : ctx.actor(),
                createdAt);
        return true;
    }

    /** The board's rules inside the caller's transaction (exports, templates). */
    public List<Rule> ofBoard(long boardId) {
        return repo.list(ws(), boardId);
    }

    /**
     * The board's rules in a form that outlives the board (templates), inside the caller's transaction:
     * the wire form of each rule without its id, board, version and authorship, every column it names
     * given by name ({@code "column": "Review"}) instead of by id. Tags are named already; members are
     * named by username ({@code assign}) or user id ({@code notify}), which are the same in the
     * workspace whatever the board. A rule naming a column the board no longer has is left out: without
     * its column it would come back narrower or wider than it was.
     */
    public List<JsonNode> portable(long boardId) {
        Board board = boards.require(boardId);
        Map<Long, String> names =
                board.columns().stream().collect(Collectors.toMap(BoardColumn::id, BoardColumn::name));
        List<JsonNode> out = new ArrayList<>();
        for (Rule rule : repo.list(ws(), boardId)) {
            if (rule.definition().columnRefs().stream().anyMatch(r -> !names.containsKey(r.id()))) {
                continue;
            }
            ObjectNode node = json.createObjectNode();
            node.put("name", rule.name());
            node.put("enabled", rule.enabled());
            node.set("trigger", json.valueToTree(rule.trigger()));
            node.set("conditions", json.valueToTree(rule.conditions()));
            node.set("actions", json.valueToTree(rule.actions()));
            for (ObjectNode part : columnHolders(node)) {
                JsonNode id = part.remove("column_id");
                if (id != null) {
                    part.put("column", names.get(id.asLong()));
                }
            }
            out.add(node);
        }
        return out;
    }

    /**
     * Writes a rule in its {@link #portable} form onto a board, inside the caller's write transaction:
     * each {@code column} is looked up among the board's columns by name (ignoring case); one naming
     * people who are not members is written switched off (as {@link #restore}). A rule that cannot be
     * written as it was meant is left out, and the answer says why: a column named {@code null} or one
     * the board lacks, or a definition that no longer passes the checks (a template saved before the
     * server checked it). One such rule does not make the whole template unusable.
     */
    public Optional<String> restorePortable(long boardId, JsonNode rule) {
        Transactions.requireActive("a rule from a template must be written inside the caller's transaction");
        requireObject(rule);
        Board board = boards.require(boardId);
        ObjectNode copy = (ObjectNode) rule.deepCopy();
        copy.remove("created_by");
        copy.remove("created_at");
        Map<Long, Long> same = new HashMap<>();
        for (ObjectNode part : columnHolders(copy)) {
            if (!part.has("column")) {
                continue;
            }
            JsonNode name = part.remove("column");
            BoardColumn column = board.columns().stream()
                    .filter(c -> name.isString() && c.name().equalsIgnoreCase(name.asString()))
                    .findFirst()
                    .orElse(null);
            if (column == null) {
                return Optional.of("it names column " + name + ", which the board does not have");
            }
            part.put("column_id", column.id());
            same.put(column.id(), column.id());
        }
        try {
            return restore(boardId, copy, same) ? Optional.empty() : Optional.of("it names a column the board lacks");
        } catch (ApiException invalid) {
            return Optional.of(
                    invalid.properties() != null && invalid.properties().get("errors") instanceof List<?> errors
                            ? errors.stream()
                                    .map(e -> e instanceof FieldError f
                                            ? f.field() + ": " + f.message()
                                            : String.valueOf(e))
                                    .collect(Collectors.joining("; "))
                            : invalid.getMessage());
        }
    }

    /** The parts of a rule's wire form that may name a column: its trigger, its conditions, each action. */
    private static List<ObjectNode> columnHolders(JsonNode rule) {
        List<ObjectNode> parts = new ArrayList<>();
        for (String field : List.of("trigger", "conditions")) {
            if (rule.get(field) instanceof ObjectNode part) {
                parts.add(part);
            }
        }
        if (rule.get("actions") instanceof ArrayNode actions) {
            actions.forEach(a -> {
                if (a instanceof ObjectNode action) {
                    parts.add(action);
                }
            });
        }
        return parts;
    }

    // ---- checks ----

    /** The columns the definition names, where {@code checked} accepts the field, must be the board's. */
    private void checkColumns(Board board, RuleDefinition d, Predicate<String> checked) {
        Set<Long> columns = board.columns().stream().map(BoardColumn::id).collect(Collectors.toSet());
        List<FieldError> errors = new ArrayList<>();
        for (FieldRef ref : d.columnRefs()) {
            if (checked.test(ref.field()) && !columns.contains(ref.id())) {
                errors.add(
                        new FieldError(ref.field(), "column " + ref.id() + " is not a column of board " + board.id()));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }

    /** Notify names a member by id, assign by username: both must be members of the workspace. */
    private void checkMembers(RuleDefinition d, Predicate<String> checked) {
        List<FieldRef> refs =
                d.userRefs().stream().filter(r -> checked.test(r.field())).toList();
        List<String> allFields = new ArrayList<>();
        List<String> allNames = d.assigneeRefs(allFields);
        List<String> nameFields = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < allNames.size(); i++) {
            if (checked.test(allFields.get(i))) {
                nameFields.add(allFields.get(i));
                names.add(allNames.get(i));
            }
        }
        if (refs.isEmpty() && names.isEmpty()) {
            return;
        }
        List<Member> members = identities.membersOfRequestWorkspace();
        Set<Long> ids = members.stream().map(Member::userId).collect(Collectors.toSet());
        Set<String> usernames =
                members.stream().map(m -> m.username().toLowerCase()).collect(Collectors.toSet());
        List<FieldError> errors = new ArrayList<>();
        for (FieldRef ref : refs) {
            if (!ids.contains(ref.id())) {
                errors.add(new FieldError(ref.field(), "user " + ref.id() + " is not a member of this workspace"));
            }
        }
        for (int i = 0; i < names.size(); i++) {
            if (!usernames.contains(names.get(i).toLowerCase())) {
                errors.add(new FieldError(
                        nameFields.get(i), "'" + names.get(i) + "' is not the username of a member of this workspace"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }

    private void requireFreeName(long ws, long boardId, String name, Long except) {
        if (repo.nameTaken(ws, boardId, name, except)) {
            throw ApiException.conflict("duplicate", "the board already has a rule named '" + name + "'");
        }
    }

    private static void requireObject(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
    }

    private static String name(JsonNode node) {
        if (node == null || !node.isString() || node.asString().isBlank()) {
            throw ApiException.invalid("name", "is required: 1 to " + RuleDefinition.MAX_NAME + " characters");
        }
        String name = node.asString().strip();
        if (name.length() > RuleDefinition.MAX_NAME) {
            throw ApiException.invalid("name", "must have at most " + RuleDefinition.MAX_NAME + " characters");
        }
        return name;
    }

    private static boolean enabled(JsonNode node, boolean otherwise) {
        if (node == null || node.isNull()) {
            return otherwise;
        }
        if (!node.isBoolean()) {
            throw ApiException.invalid("enabled", "must be true or false");
        }
        return node.asBoolean();
    }

    private static long ws() {
        return CurrentRequest.get().workspaceId();
    }
}
