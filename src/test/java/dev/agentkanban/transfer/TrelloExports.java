package dev.agentkanban.transfer;

import static dev.agentkanban.support.Http.obj;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Trello board exports made up by tests. */
public final class TrelloExports {

    /** The name of the label (and so of the tag) that the cards from {@code heldAt} on carry. */
    public static final String HELD_BACK = "held-back";

    private TrelloExports() {}

    /**
     * One list of {@code cards} cards, those from index {@code heldAt} on labelled {@value #HELD_BACK}.
     * A test that inserts that tag in a transaction of its own and leaves it open holds the import at
     * card {@code heldAt}: the import's insert of the tag waits on the tag names' unique index until the
     * test commits or rolls back. While it waits, its progress lies strictly between 0 and the total.
     */
    public static Map<String, Object> heldBack(String name, int cards, int heldAt) {
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < cards; i++) {
            list.add(obj(
                    "id",
                    String.format("%024x", i + 1),
                    "name",
                    "card " + i,
                    "idList",
                    "list",
                    "pos",
                    i + 1,
                    "idLabels",
                    i >= heldAt ? List.of("held") : List.of()));
        }
        return obj(
                "name",
                name,
                "lists",
                List.of(obj("id", "list", "name", "To Do")),
                "labels",
                List.of(obj("id", "held", "name", HELD_BACK, "color", "red")),
                "cards",
                list);
    }

    /**
     * A board of {@code cards} cards shaped like bench/trello-export.py's: six lists, ten labels, eight
     * members; each card with a description, one or two labels, a member, a checklist of four items and
     * a comment; every fifth card a link attachment, every twentieth archived.
     */
    public static Map<String, Object> generated(String name, int cards) {
        String[] colors = {"green", "yellow", "orange", "red", "purple", "blue", "sky", "lime", "pink", "black"};
        String[] listNames = {"Backlog", "To Do", "Doing", "Review", "Blocked", "Done"};
        List<Object> members = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            members.add(obj("id", oid(1, i), "fullName", "Member " + i, "username", "member" + i));
        }
        List<Object> labels = new ArrayList<>();
        for (int i = 0; i < colors.length; i++) {
            labels.add(obj("id", oid(2, i), "name", "label-" + i, "color", colors[i]));
        }
        List<Object> lists = new ArrayList<>();
        for (int i = 0; i < listNames.length; i++) {
            lists.add(obj("id", oid(3, i), "name", listNames[i], "pos", 1024 * (i + 1)));
        }
        List<Object> list = new ArrayList<>();
        List<Object> checklists = new ArrayList<>();
        List<Object> actions = new ArrayList<>();
        for (int i = 0; i < cards; i++) {
            String card = oid(4, i);
            List<String> cardLabels =
                    i % 3 == 0 ? List.of(oid(2, i % 10), oid(2, i * 7 % 10)) : List.of(oid(2, i % 10));
            list.add(obj(
                    "id",
                    card,
                    "name",
                    "Card " + i,
                    "desc",
                    "What card " + i + " is about",
                    "closed",
                    i % 20 == 19,
                    "idList",
                    oid(3, i % listNames.length),
                    "pos",
                    16384 * (i + 1),
                    "idLabels",
                    cardLabels,
                    "idMembers",
                    List.of(oid(1, i % 8)),
                    "idChecklists",
                    List.of(oid(5, i)),
                    "shortUrl",
                    "https://trello.com/c/" + i,
                    "dateLastActivity",
                    "2024-03-01T10:00:00.000Z",
                    "attachments",
                    i % 5 == 0
                            ? List.of(obj(
                                    "id",
                                    oid(6, i),
                                    "name",
                                    "spec",
                                    "url",
                                    "https://example.com/spec/" + i,
                                    "date",
                                    "2024-02-01T10:00:00.000Z"))
                            : List.of()));
            List<Object> items = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                items.add(obj(
                        "id",
                        oid(7, i * 4 + k),
                        "name",
                        "step " + k,
                        "pos",
                        k + 1,
                        "state",
                        k < i % 4 ? "complete" : "incomplete"));
            }
            checklists.add(obj("id", oid(5, i), "idCard", card, "name", "Steps", "pos", 1, "checkItems", items));
            actions.add(obj(
                    "id",
                    oid(8, i),
                    "type",
                    "commentCard",
                    "date",
                    "2024-02-20T09:15:00.000Z",
                    "idMemberCreator",
                    oid(1, i % 8),
                    "data",
                    obj("text", "comment on card " + i, "card", obj("id", card))));
        }
        return obj(
                "name",
                name,
                "members",
                members,
                "labels",
                labels,
                "lists",
                lists,
                "cards",
                list,
                "checklists",
                checklists,
                "actions",
                actions);
    }

    /** A Trello id (a MongoDB ObjectId: 8 hex digits of seconds, then 16 more). */
    private static String oid(int kind, int i) {
        return String.format("%08x%02x%014x", 1_700_000_000 + i, kind, i);
    }
}
