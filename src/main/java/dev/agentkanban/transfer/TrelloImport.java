package dev.agentkanban.transfer;

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
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.tag.TagRequests.CreateTag;
import dev.agentkanban.tag.TagSummary;
import dev.agentkanban.tag.Tags;
import dev.agentkanban.task.Position;
import dev.agentkanban.task.RestoredTask;
import dev.agentkanban.transfer.ImportProgress.Progress;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Imports a Trello board export (the JSON of Trello's "Export as JSON") as a new board. Lists become
 * columns in their order (kinds guessed from their names), cards become tasks in their order, an
 * archived card (or a card of an archived list) becomes an archived task (issue 17: off the board,
 * searchable with {@code archived=true}, restorable; {@code metadata.trello_closed}), labels become tags with Trello's
 * colours, checklists become markdown task lists in the description, {@code commentCard} actions
 * become comments by their Trello authors at their Trello times, card members become the assignee
 * (all names in {@code metadata.trello_members}), due dates are kept, link attachments become link
 * evidence. Everything else is ignored and counted in the report; nothing of it is fatal.
 */
@Service
class TrelloImport {

    static final String SOURCE = "trello";

    /** Trello's label colours; the {@code _dark}/{@code _light} variants take their base colour. */
    static final Map<String, String> COLORS = Map.ofEntries(
            Map.entry("green", "#61bd4f"),
            Map.entry("yellow", "#f2d600"),
            Map.entry("orange", "#ff9f1a"),
            Map.entry("red", "#eb5a46"),
            Map.entry("purple", "#c377e0"),
            Map.entry("blue", "#0079bf"),
            Map.entry("sky", "#00c2e0"),
            Map.entry("lime", "#51e898"),
            Map.entry("pink", "#ff78cb"),
            Map.entry("black", "#344563"));

    /** At most this many checklist items per task (as {@code task/Checklists}). */
    static final int MAX_CHECKLIST_ITEMS = 200;

    private final Transactions tx;
    private final Boards boards;
    private final Tags tags;
    private final ImportedTasks imported;

    TrelloImport(Transactions tx, Boards boards, Tags tags, ImportedTasks imported) {
        this.tx = tx;
        this.boards = boards;
        this.tags = tags;
        this.imported = imported;
    }

    record ListReport(String list, String column, boolean archived, int cards) {}

    record TrelloReport(
            long boardId,
            String board,
            List<ListReport> lists,
            int cards,
            int archivedCards,
            List<String> tagsCreated,
            List<String> tagsReused,
            int checklists,
            int checkItems,
            int comments,
            int attachments,
            List<String> members,
            Map<String, Integer> skipped,
            List<String> warnings,
            boolean dryRun) {

        TrelloReport previewed() {
            return new TrelloReport(
                    0,
                    board,
                    lists,
                    cards,
                    archivedCards,
                    tagsCreated,
                    tagsReused,
                    checklists,
                    checkItems,
                    comments,
                    attachments,
                    members,
                    skipped,
                    warnings,
                    true);
        }

        String describe() {
            StringBuilder out = new StringBuilder("Board '")
                    .append(board)
                    .append("' (id ")
                    .append(boardId)
                    .append("), created\n");
            lists.forEach(l -> out.append(String.format(
                    "  %-20s -> %s: %d cards%s%n",
                    l.list(), l.column(), l.cards(), l.archived() ? " (archived list)" : "")));
            out.append(String.format("Cards: %d (%d archived, imported as archived)%n", cards, archivedCards));
            out.append("Tags created: ")
                    .append(tagsCreated)
                    .append(", reused: ")
                    .append(tagsReused)
                    .append('\n');
            out.append(String.format(
                    "Checklists: %d (%d items), comments: %d, link attachments: %d%n",
                    checklists, checkItems, comments, attachments));
            out.append("Members as assignees: ").append(members).append('\n');
            if (!skipped.isEmpty()) {
                out.append("Skipped: ").append(skipped).append('\n');
            }
            warnings.forEach(w -> out.append("Warning: ").append(w).append('\n'));
            return out.toString();
        }
    }

    TrelloReport importBoard(JsonNode export, String boardName) {
        return importBoard(export, boardName, false);
    }

    /**
     * Imports the board; a dry run does all of it in a transaction that is then rolled back, so its
     * report (board id 0, {@code dry_run} true) says exactly what a real run would create, map and skip.
     */
    TrelloReport importBoard(JsonNode export, String boardName, boolean dryRun) {
        return importBoard(export, boardName, dryRun, Progress.NONE);
    }

    /** As {@link #importBoard(JsonNode, String, boolean)}, counting the cards written into {@code progress}. */
    TrelloReport importBoard(JsonNode export, String boardName, boolean dryRun, Progress progress) {
        Roles.require(Role.MEMBER);
        if (export == null
                || !export.isObject()
                || !(export.path("lists").isArray() || export.path("cards").isArray())) {
            throw ApiException.invalid(
                    "trello", "not a Trello board export: expected a JSON object with \"lists\" and \"cards\"");
        }
        for (String part : List.of("lists", "cards", "labels", "checklists", "actions")) {
            if (export.hasNonNull(part) && !export.get(part).isArray()) {
                throw ApiException.invalid("trello", "not a Trello board export: \"" + part + "\" must be an array");
            }
        }
        progress.total(export.path("cards").size());
        return dryRun
                ? tx.rehearse(() -> new Run(export, progress).run(boardName)).previewed()
                : tx.write(() -> new Run(export, progress).run(boardName));
    }

    /** One import: the export's parts indexed by their Trello ids, and what the report says. */
    private final class Run {
        private final JsonNode export;
        private final Progress progress;
        private final RequestContext ctx = CurrentRequest.get();
        private final Map<String, String> memberNames = new HashMap<>();
        private final Map<String, JsonNode> labels = new HashMap<>();
        private final Map<String, List<JsonNode>> checklistsByCard = new HashMap<>();
        private final Map<String, List<JsonNode>> commentsByCard = new HashMap<>();
        private final Map<String, Long> tagIds = new HashMap<>();
        private final Map<String, Integer> skipped = new TreeMap<>();
        private final List<String> warnings = new ArrayList<>();
        private final List<String> tagsCreated = new ArrayList<>();
        private final List<String> tagsReused = new ArrayList<>();
        private final Set<String> assignees = new LinkedHashSet<>();
        private final Set<String> archivedLists = new HashSet<>();
        private int checklists;
        private int checkItems;
        private int comments;
        private int attachments;
        private int archived;

        Run(JsonNode export, Progress progress) {
            this.export = export;
            this.progress = progress;
        }

        TrelloReport run(String boardName) {
            for (JsonNode m : export.path("members")) {
                memberNames.put(m.path("id").asString(""), name(m));
            }
            for (JsonNode l : export.path("labels")) {
                labels.put(l.path("id").asString(""), l);
            }
            for (JsonNode c : export.path("checklists")) {
                checklistsByCard
                        .computeIfAbsent(c.path("idCard").asString(""), k -> new ArrayList<>())
                        .add(c);
            }
            for (JsonNode a : export.path("actions")) {
                String type = a.path("type").asString("unknown");
                if (type.equals("commentCard")) {
                    commentsByCard
                            .computeIfAbsent(
                                    a.path("data").path("card").path("id").asString(""), k -> new ArrayList<>())
                            .add(a);
                } else {
                    skipped.merge("action " + type, 1, Integer::sum);
                }
            }

            // lists in Trello's order; an archived list is kept (as "<name> (archived)") only when it holds cards
            List<JsonNode> lists = sortedByPos(export.path("lists"));
            Map<String, Integer> cardsPerList = new HashMap<>();
            for (JsonNode card : export.path("cards")) {
                cardsPerList.merge(card.path("idList").asString(""), 1, Integer::sum);
            }
            List<JsonNode> kept = new ArrayList<>();
            Set<String> usedNames = new HashSet<>();
            List<String> columnNames = new ArrayList<>();
            for (JsonNode list : lists) {
                boolean closed = list.path("closed").asBoolean(false);
                if (closed && !cardsPerList.containsKey(list.path("id").asString(""))) {
                    skipped.merge("archived empty list", 1, Integer::sum);
                    continue;
                }
                String name = clip(list.path("name").asString("").strip(), 88);
                name = (name.isEmpty() ? "List " + (kept.size() + 1) : name) + (closed ? " (archived)" : "");
                String unique = name;
                for (int n = 2; !usedNames.add(unique.toLowerCase(Locale.ROOT)); n++) {
                    unique = name + " (" + n + ")";
                }
                kept.add(list);
                columnNames.add(unique);
                if (closed) {
                    archivedLists.add(list.path("id").asString(""));
                }
            }
            if (kept.isEmpty()) {
                columnNames.add("To Do");
                warnings.add("the export has no lists; the cards go to a 'To Do' column");
            }
            String name = boardName != null && !boardName.isBlank()
                    ? boardName.strip()
                    : clip(export.path("name").asString("Trello board").strip(), 200);
            String description = export.path("desc").asString("").strip();
            String url = export.path("url").asString(export.path("shortUrl").asString(""));
            if (!url.isEmpty()) {
                description = (description.isEmpty() ? "" : description + "\n\n") + "Imported from Trello: " + url;
            }
            Board board = boards.create(new CreateBoard(
                    name.isEmpty() ? "Trello board" : name,
                    clip(description, 10_000),
                    columnNames.stream()
                            .map(c -> new ColumnSpec(null, c, null, null))
                            .toList()));

            Map<String, BoardColumn> columnOfList = new HashMap<>();
            for (int i = 0; i < kept.size(); i++) {
                columnOfList.put(
                        kept.get(i).path("id").asString(""), board.columns().get(i));
            }
            Map<Long, Integer> perColumn = new LinkedHashMap<>();
            List<JsonNode> cards = new ArrayList<>();
            export.path("cards").forEach(cards::add);
            Map<String, Integer> listOrder = new HashMap<>();
            for (int i = 0; i < kept.size(); i++) {
                listOrder.put(kept.get(i).path("id").asString(""), i);
            }
            cards.sort(Comparator.comparingInt((JsonNode c) ->
                            listOrder.getOrDefault(c.path("idList").asString(""), Integer.MAX_VALUE))
                    .thenComparingDouble(c -> c.path("pos").asDouble(0)));
            progress.done(0);
            ImportedTasks.Batch batch = imported.batch(SOURCE, progress::done);
            for (JsonNode card : cards) {
                BoardColumn column = columnOfList.get(card.path("idList").asString(""));
                if (column == null) {
                    column = board.columns().getFirst();
                    skipped.merge("card list not in the export (card put in the first column)", 1, Integer::sum);
                }
                int index = perColumn.merge(column.id(), 1, Integer::sum);
                card(batch, board, column, Position.renumbered(index - 1), card);
            }
            batch.finish();
            List<ListReport> listReport = new ArrayList<>();
            for (int i = 0; i < kept.size(); i++) {
                BoardColumn c = board.columns().get(i);
                listReport.add(new ListReport(
                        kept.get(i).path("name").asString(""),
                        c.name(),
                        kept.get(i).path("closed").asBoolean(false),
                        perColumn.getOrDefault(c.id(), 0)));
            }
            return new TrelloReport(
                    board.id(),
                    board.name(),
                    listReport,
                    cards.size(),
                    archived,
                    tagsCreated,
                    tagsReused,
                    checklists,
                    checkItems,
                    comments,
                    attachments,
                    List.copyOf(assignees),
                    skipped,
                    warnings,
                    false);
        }

        private void card(ImportedTasks.Batch batch, Board board, BoardColumn column, long position, JsonNode card) {
            String cardId = card.path("id").asString("");
            String title = card.path("name").asString("").strip().replace('\n', ' ');
            StringBuilder description =
                    new StringBuilder(card.path("desc").asString("").strip());
            if (title.isEmpty()) {
                title = "(untitled card)";
            }
            if (title.codePointCount(0, title.length()) > 500) {
                warnings.add("card " + cardId
                        + ": name longer than 500 characters; shortened, the whole name opens the description");
                description.insert(0, title + "\n\n");
                title = title.substring(0, title.offsetByCodePoints(0, 499)) + "…";
            }
            List<Map.Entry<String, Boolean>> items = appendChecklists(cardId, card, description);

            boolean closed = card.path("closed").asBoolean(false)
                    || archivedLists.contains(card.path("idList").asString(""));
            String status = card.path("dueComplete").asBoolean(false) ? "completed" : Targets.statusOnArrival(column);
            if (closed) {
                archived++;
            }
            List<String> members = new ArrayList<>();
            for (JsonNode id : card.path("idMembers")) {
                String member = memberNames.get(id.asString(""));
                members.add(member != null ? member : id.asString(""));
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("trello_id", cardId);
            if (closed) {
                metadata.put("trello_closed", true);
            }
            if (card.hasNonNull("shortUrl")) {
                metadata.put("trello_url", card.get("shortUrl").asString());
            }
            if (!members.isEmpty()) {
                metadata.put("trello_members", members);
            }
            String assignee = members.isEmpty() ? null : clip(members.getFirst(), 200);
            if (assignee != null) {
                assignees.add(assignee);
            }
            String text = description.toString();
            if (text.codePointCount(0, text.length()) > 100_000) {
                warnings.add("card '" + title + "': description shortened to 100,000 characters");
                text = clip(text, 100_000);
            }
            Instant due = time(card.path("due"));
            if (due == null && card.path("due").isString()) {
                warnings.add("card '" + title + "': due date '"
                        + clip(card.get("due").asString(), 100)
                        + "' is not a time of the years 1 to 9999; imported without a due date");
            }
            ImportedTasks.Pending task = batch.add(new RestoredTask(
                    board.id(),
                    column.id(),
                    position,
                    title,
                    text.isEmpty() ? null : text,
                    null,
                    status,
                    null,
                    "medium",
                    null,
                    null,
                    null,
                    assignee,
                    ctx.actor(),
                    due,
                    1,
                    metadata,
                    createdAt(cardId),
                    null,
                    null,
                    null,
                    null));
            if (closed) {
                // archived in Trello, archived here: off the board, restorable from the archive
                Instant lastActivity = time(card.path("dateLastActivity"));
                task.archived(lastActivity != null ? lastActivity : Instant.now(), ctx.actor());
            }
            labelsOf(card).forEach(task::tag);
            importComments(cardId, task);
            importAttachments(card, task);
            // the checklists are real checklist items too (issue 14), besides the task list in the description
            long itemPosition = 0;
            for (Map.Entry<String, Boolean> item : items.subList(0, Math.min(items.size(), MAX_CHECKLIST_ITEMS))) {
                itemPosition += Position.GAP;
                task.item(itemPosition, item.getKey(), item.getValue(), ctx.actor());
            }
            if (items.size() > MAX_CHECKLIST_ITEMS) {
                warnings.add("card '" + title + "': only the first " + MAX_CHECKLIST_ITEMS
                        + " checklist items became items");
            }
        }

        /** Writes the card's checklists into the description as task lists; answers their items (text, done) in order. */
        private List<Map.Entry<String, Boolean>> appendChecklists(
                String cardId, JsonNode card, StringBuilder description) {
            List<Map.Entry<String, Boolean>> items = new ArrayList<>();
            List<JsonNode> lists = new ArrayList<>(checklistsByCard.getOrDefault(cardId, List.of()));
            // a card's own order of checklists wins over their pos
            List<String> order = new ArrayList<>();
            card.path("idChecklists").forEach(c -> order.add(c.asString("")));
            lists.sort(Comparator.comparingInt(
                            (JsonNode c) -> order.contains(c.path("id").asString(""))
                                    ? order.indexOf(c.path("id").asString(""))
                                    : Integer.MAX_VALUE)
                    .thenComparingDouble(c -> c.path("pos").asDouble(0)));
            for (JsonNode list : lists) {
                checklists++;
                trimTrailingNewlines(description);
                if (!description.isEmpty()) {
                    description.append("\n\n");
                }
                description
                        .append("### ")
                        .append(list.path("name").asString("Checklist").strip())
                        .append('\n');
                for (JsonNode item : sortedByPos(list.path("checkItems"))) {
                    checkItems++;
                    boolean done = item.path("state").asString("").equals("complete");
                    String text = item.path("name").asString("").strip().replace('\n', ' ');
                    description.append(done ? "- [x] " : "- [ ] ").append(text).append('\n');
                    if (!text.isBlank()) {
                        items.add(Map.entry(clip(text, 500), done));
                    }
                }
            }
            trimTrailingNewlines(description);
            return items;
        }

        private static void trimTrailingNewlines(StringBuilder text) {
            int end = text.length();
            while (end > 0 && text.charAt(end - 1) == '\n') {
                end--;
            }
            text.setLength(end);
        }

        /** The card's labels as tag ids; a label's tag is created (with Trello's colour) the first time it is used. */
        private List<Long> labelsOf(JsonNode card) {
            List<JsonNode> cardLabels = new ArrayList<>();
            for (JsonNode id : card.path("idLabels")) {
                JsonNode label = labels.get(id.asString(""));
                if (label != null) {
                    cardLabels.add(label);
                }
            }
            if (cardLabels.isEmpty()) {
                card.path("labels").forEach(cardLabels::add);
            }
            List<Long> ids = new ArrayList<>();
            for (JsonNode label : cardLabels) {
                String id = label.path("id").asString("");
                Long tag = tagIds.computeIfAbsent(id.isEmpty() ? label.toString() : id, k -> tagFor(label));
                if (tag != null) {
                    ids.add(tag);
                }
            }
            return ids;
        }

        private Long tagFor(JsonNode label) {
            String color = label.path("color").isString() ? label.get("color").asString() : null;
            String raw = label.path("name").asString("").strip();
            // tag names take no comma (Tags.name): "Bug, UI" becomes "Bug UI"
            String name = clip(raw.replace(',', ' ').replaceAll("\\s+", " ").strip(), 50);
            if (raw.indexOf(',') >= 0 && !name.isEmpty()) {
                warnings.add("label '" + raw + "' became tag '" + name + "' (tag names take no comma)");
            }
            if (name.isEmpty()) {
                name = color == null ? "" : color;
            }
            if (name.isEmpty() || name.chars().anyMatch(Character::isISOControl)) {
                skipped.merge("label without name or colour", 1, Integer::sum);
                return null;
            }
            String wanted = name;
            TagSummary existing = tags.list().stream()
                    .filter(t -> t.name().equalsIgnoreCase(wanted))
                    .findFirst()
                    .orElse(null);
            if (existing != null) {
                if (!tagsReused.contains(existing.name())) {
                    tagsReused.add(existing.name());
                }
                return existing.id();
            }
            String base = color == null ? null : baseColor(color);
            TagSummary created = tags.create(new CreateTag(name, base == null ? null : COLORS.get(base)));
            tagsCreated.add(name);
            return created.id();
        }

        /** Comments oldest first, by their Trello author at their Trello time; each audited like a comment added here. */
        private void importComments(String cardId, ImportedTasks.Pending task) {
            List<JsonNode> actions = new ArrayList<>(commentsByCard.getOrDefault(cardId, List.of()));
            actions.sort(Comparator.comparing((JsonNode a) -> a.path("date").asString("")));
            for (JsonNode a : actions) {
                String body = a.path("data").path("text").asString("").strip();
                if (body.isEmpty()) {
                    skipped.merge("empty comment", 1, Integer::sum);
                    continue;
                }
                if (body.length() > 20_000) {
                    warnings.add("a comment on card " + cardId + " was shortened to 20,000 characters");
                    body = clip(body, 20_000);
                }
                String author = a.path("memberCreator").isObject()
                        ? name(a.get("memberCreator"))
                        : memberNames.getOrDefault(a.path("idMemberCreator").asString(""), "Trello user");
                Instant at = time(a.path("date"));
                task.comment(author, body, at);
                comments++;
            }
        }

        /** Attachments that are web links become link evidence; uploaded files are not in the export and are counted. */
        private void importAttachments(JsonNode card, ImportedTasks.Pending task) {
            for (JsonNode a : card.path("attachments")) {
                String url = a.path("url").asString("");
                if (!url.matches("(?i)^https?://\\S+$") || url.length() > 2000) {
                    skipped.merge("attachment without a web link", 1, Integer::sum);
                    continue;
                }
                String name = a.path("name").asString("").strip();
                task.link(name.isEmpty() ? null : clip(name, 20_000), url, ctx.actor(), time(a.path("date")));
                attachments++;
            }
        }
    }

    private static String name(JsonNode member) {
        String full = member.path("fullName").asString("").strip();
        return full.isEmpty() ? member.path("username").asString("Trello user") : full;
    }

    private static List<JsonNode> sortedByPos(JsonNode array) {
        List<JsonNode> list =
                new ArrayList<>(StreamSupport.stream(array.spliterator(), false).toList());
        list.sort(Comparator.comparingDouble(n -> n.path("pos").asDouble(0)));
        return list;
    }

    /** A Trello id is a MongoDB ObjectId: its first 8 hex digits are the creation time in seconds. */
    static Instant createdAt(String trelloId) {
        if (trelloId == null || !trelloId.matches("[0-9a-fA-F]{24}")) {
            return null;
        }
        return Instant.ofEpochSecond(Long.parseLong(trelloId.substring(0, 8), 16));
    }

    /** A Trello time, or null when there is none or it is not a time of the years 1 to 9999. */
    private static Instant time(JsonNode node) {
        if (node == null || !node.isString()) {
            return null;
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(node.asString());
            return t.getYear() >= 1 && t.getYear() <= 9999 ? t.toInstant() : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A Trello colour without its {@code _dark} / {@code _light} shade. */
    static String baseColor(String color) {
        for (String shade : List.of("_dark", "_light")) {
            if (color.endsWith(shade)) {
                return color.substring(0, color.length() - shade.length());
            }
        }
        return color;
    }

    private static String clip(String s, int max) {
        return s.codePointCount(0, s.length()) <= max ? s : s.substring(0, s.offsetByCodePoints(0, max));
    }
}
