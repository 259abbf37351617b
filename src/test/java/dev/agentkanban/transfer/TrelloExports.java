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
}
