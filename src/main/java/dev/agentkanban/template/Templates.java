package dev.agentkanban.template;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.BoardRequests.ColumnSpec;
import dev.agentkanban.board.BoardRequests.CreateBoard;
import dev.agentkanban.board.Boards;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Roles;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.platform.WireEnums;
import dev.agentkanban.rule.Rules;
import dev.agentkanban.tag.TagRequests.CreateTag;
import dev.agentkanban.tag.TagSummary;
import dev.agentkanban.tag.Tags;
import dev.agentkanban.task.Checklists;
import dev.agentkanban.task.Priority;
import dev.agentkanban.task.TaskFilter;
import dev.agentkanban.task.TaskQueries;
import dev.agentkanban.task.TaskRequests.AddChecklistItem;
import dev.agentkanban.task.TaskRequests.CreateTask;
import dev.agentkanban.task.TaskView;
import dev.agentkanban.task.Tasks;
import dev.agentkanban.template.TemplateContent.Card;
import dev.agentkanban.template.TemplateContent.Column;
import dev.agentkanban.template.TemplateContent.TagSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Board templates: the built-in ones and those a workspace saved from its boards. Creating a board
 * from a template is one transaction: the board with its columns, the template's tags (those the
 * workspace lacks), its automation rules (their columns found by name on the new board) and its
 * sample cards with their checklists, each through its feature's API.
 */
@Service
public class Templates {

    /** At most this many cards of a board become sample cards of a template. */
    static final int MAX_CARDS = 200;

    private final TemplateRepository repo;
    private final Boards boards;
    private final Tasks tasks;
    private final TaskQueries queries;
    private final Checklists checklists;
    private final Tags tags;
    private final Rules rules;
    private final Transactions tx;

    Templates(
            TemplateRepository repo,
            Boards boards,
            Tasks tasks,
            TaskQueries queries,
            Checklists checklists,
            Tags tags,
            Rules rules,
            Transactions tx) {
        this.repo = repo;
        this.boards = boards;
        this.tasks = tasks;
        this.queries = queries;
        this.checklists = checklists;
        this.tags = tags;
        this.rules = rules;
        this.tx = tx;
    }

    /** The built-in templates first, then the workspace's own by name. */
    public List<BoardTemplate> list() {
        List<BoardTemplate> all = new ArrayList<>(BuiltInTemplates.ALL);
        all.addAll(tx.read(() -> repo.list(ws())));
        return all;
    }

    public BoardTemplate get(String id) {
        return BuiltInTemplates.find(id)
                .orElseGet(() -> tx.read(
                        () -> repo.find(ws(), savedId(id)).orElseThrow(() -> ApiException.notFound("template", id))));
    }

    /**
     * A board made from a template, and the template's rules that could not be written onto it, each
     * with why ({@code left_out_rules}: a rule naming a column the template lacks, or one saved before
     * the server checked what it saves).
     */
    public record FromTemplate(@JsonUnwrapped Board board, List<LeftOutRule> leftOutRules) {}

    /** A rule of the template left out of the new board. */
    public record LeftOutRule(String name, String reason) {}

    /** A new board made from the template (its name unless {@code name} is given). */
    public FromTemplate createBoard(String templateId, String name, String description) {
        Roles.require(Role.MEMBER);
        BoardTemplate template = get(templateId);
        TemplateContent content = template.content();
        String boardName = name == null || name.isBlank() ? template.name() : name.trim();
        return tx.write(() -> {
            Board board = boards.create(new CreateBoard(
                    boardName,
                    description == null ? template.description() : description,
                    content.columns().stream()
                            .map(c -> new ColumnSpec(null, c.name(), c.kind(), c.wipLimit()))
                            .toList()));
            ensureTags(content.tags());
            // the rules before the cards, as on the template's board: a sample card may start one
            List<LeftOutRule> leftOut = new ArrayList<>();
            for (JsonNode rule : content.rules()) {
                rules.restorePortable(board.id(), rule)
                        .ifPresent(why ->
                                leftOut.add(new LeftOutRule(rule.path("name").asString(""), why)));
            }
            for (Card card : content.cards()) {
                addCard(board, card);
            }
            return new FromTemplate(boards.require(board.id()), List.copyOf(leftOut));
        });
    }

    /**
     * Saves the board as a template of the workspace: columns, its rules (columns by name), the tags its
     * cards and its rules use, optionally its cards.
     */
    public BoardTemplate saveBoard(long boardId, String name, String description, boolean includeCards) {
        Roles.require(Role.MEMBER);
        RequestContext ctx = CurrentRequest.get();
        return tx.write(() -> {
            Board board = boards.require(boardId);
            if (repo.nameTaken(ctx.workspaceId(), name.trim())) {
                throw ApiException.conflict("duplicate", "a template named '" + name.trim() + "' exists already");
            }
            List<TaskView> cards = queries.list(
                            TaskFilter.ofBoard(boardId, "position", false), PageRequest.of(MAX_CARDS, 0L))
                    .items();
            Map<String, TagSpec> used = new LinkedHashMap<>();
            cards.forEach(t -> t.tags()
                    .forEach(g ->
                            used.putIfAbsent(g.name().toLowerCase(Locale.ROOT), new TagSpec(g.name(), g.color()))));
            Map<String, TagSummary> workspaceTags = new HashMap<>();
            tags.list().forEach(t -> workspaceTags.put(t.name().toLowerCase(Locale.ROOT), t));
            rules.ofBoard(boardId).stream()
                    .flatMap(r -> r.tagNames().stream())
                    .map(n -> workspaceTags.get(n.toLowerCase(Locale.ROOT)))
                    .filter(Objects::nonNull)
                    .forEach(
                            t -> used.putIfAbsent(t.name().toLowerCase(Locale.ROOT), new TagSpec(t.name(), t.color())));
            TemplateContent content = new TemplateContent(
                    board.columns().stream()
                            .map(c -> new Column(c.name(), c.kind(), c.wipLimit()))
                            .toList(),
                    List.copyOf(used.values()),
                    includeCards ? cards.stream().map(this::card).toList() : List.of(),
                    rules.portable(boardId));
            long id = repo.insert(ctx.workspaceId(), name.trim(), description, content, ctx.actor());
            return repo.find(ctx.workspaceId(), id).orElseThrow();
        });
    }

    /** Deletes a saved template (built-in ones cannot be). */
    public void delete(String id) {
        Roles.require(Role.MEMBER);
        if (BuiltInTemplates.find(id).isPresent()) {
            throw ApiException.conflict("built-in-template", "template '" + id + "' is built in and cannot be deleted");
        }
        long saved = savedId(id);
        tx.write(() -> {
            if (repo.delete(ws(), saved) == 0) {
                throw ApiException.notFound("template", id);
            }
        });
    }

    private Card card(TaskView t) {
        List<String> items = checklists.texts(t.id());
        return new Card(
                t.title(),
                t.description(),
                t.priority().toString(),
                t.column(),
                t.tags().stream().map(g -> g.name()).toList(),
                items);
    }

    private void ensureTags(List<TagSpec> wanted) {
        if (wanted.isEmpty()) {
            return;
        }
        Set<String> existing = tags.list().stream()
                .map(TagSummary::name)
                .map(n -> n.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        for (TagSpec tag : wanted) {
            if (!existing.contains(tag.name().toLowerCase(Locale.ROOT))) {
                tags.create(new CreateTag(tag.name(), tag.color()));
            }
        }
    }

    private void addCard(Board board, Card card) {
        String column = card.column() != null
                        && board.columns().stream().anyMatch(c -> c.name().equalsIgnoreCase(card.column()))
                ? card.column()
                : board.columns().stream().findFirst().map(BoardColumn::name).orElseThrow();
        TaskView task = tasks.create(new CreateTask(
                board.id(),
                null,
                column,
                card.title(),
                card.description(),
                null,
                card.priority() == null ? null : WireEnums.parse(Priority.class, "priority", card.priority()),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                card.tags().isEmpty() ? null : card.tags(),
                null,
                null,
                null,
                null));
        for (String item : card.checklist()) {
            checklists.add(task.id(), null, new AddChecklistItem(item, false, null, null, null, null, null));
        }
    }

    private static long savedId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("template", id);
        }
    }

    private static long ws() {
        return CurrentRequest.get().workspaceId();
    }
}
