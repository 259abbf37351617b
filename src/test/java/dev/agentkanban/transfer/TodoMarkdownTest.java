package dev.agentkanban.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.agentkanban.task.Owner;
import dev.agentkanban.task.Priority;
import dev.agentkanban.transfer.TodoMarkdown.Check;
import dev.agentkanban.transfer.TodoMarkdown.Document;
import dev.agentkanban.transfer.TodoMarkdown.Item;
import dev.agentkanban.transfer.TodoMarkdown.Line;
import dev.agentkanban.transfer.TodoMarkdown.Section;
import dev.agentkanban.transfer.TodoMarkdown.Warning;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The TODO.md grammar without a database: every line variant of seed 000's file. */
class TodoMarkdownTest {

    static String fixture(String name) {
        try (InputStream in = TodoMarkdownTest.class.getResourceAsStream("/transfer/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private final Document doc = TodoMarkdown.parse(fixture("todo-variants.md"));

    private Item item(String titleStart) {
        return doc.items().stream()
                .filter(i -> i.title().startsWith(titleStart))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no item titled " + titleStart + " in " + doc.items()));
    }

    @Test
    void headingsMapToSectionsAndUnknownHeadingsKeepTheCurrentOne() {
        assertThat(doc.items()).hasSize(21);
        assertThat(doc.items().stream().filter(i -> i.section() == Section.BACKLOG))
                .hasSize(5);
        assertThat(doc.items().stream().filter(i -> i.section() == Section.TODO))
                .hasSize(13);
        assertThat(doc.items().stream().filter(i -> i.section() == Section.IN_PROGRESS))
                .hasSize(1);
        assertThat(doc.items().stream().filter(i -> i.section() == Section.DONE))
                .hasSize(2);
        assertThat(item("Not yet section task").section()).isEqualTo(Section.BACKLOG);
        assertThat(item("Working on it").section()).isEqualTo(Section.IN_PROGRESS);
    }

    @Test
    void aHeadingNamesASectionByWholeWordsOnly() {
        Document d = TodoMarkdown.parse("""
                ## Completed
                - [x] done one
                ## Photo documentation
                - [x] done two
                ## Auto-documentation notes
                - [x] done three
                ## 🚧 In Progress (2)
                - [ ] going
                ## TO-DO, sprint 3
                - [ ] next
                ## Done
                - [x] shipped
                """);
        assertThat(d.items())
                .extracting(Item::title, Item::section)
                .containsExactly(
                        tuple("done one", Section.DONE),
                        tuple("done two", Section.DONE),
                        tuple("done three", Section.DONE),
                        tuple("going", Section.IN_PROGRESS),
                        tuple("next", Section.TODO),
                        tuple("shipped", Section.DONE));
    }

    @Test
    void aFenceThatNeverClosesIsReportedWithTheTasksItHid() {
        Document d = TodoMarkdown.parse("## To Do\n- [ ] before\n```bash\nmake\n## In Progress\n- [ ] a\n- [x] b\n");
        assertThat(d.items()).extracting(Item::title).containsExactly("before");
        assertThat(d.warnings()).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(3);
            assertThat(w.message()).contains("never closes").contains("2 task line");
        });
        Document closed = TodoMarkdown.parse("## To Do\n```\n- [ ] example\n```\n- [ ] real\n");
        assertThat(closed.warnings()).isEmpty();
    }

    @Test
    void fencedReferenceBlocksAndProseAreNotTasks() {
        assertThat(doc.items()).noneMatch(i -> i.title().startsWith("Example task"));
        assertThat(doc.items()).noneMatch(i -> i.title().contains("Each task line"));
    }

    @Test
    void aCheckboxLineIndentedUnderATaskIsItsChecklistItem() {
        assertThat(doc.items()).noneMatch(i -> i.title().equals("Indented subtask line"));
        assertThat(item("Auth: prefix and owner").checklist())
                .containsExactly(new Check("Indented subtask line", false));
    }

    @Test
    void prefixPriorityAndOwnerTagAreReadAndLeaveTheText() {
        Item prefix = item("Prefix priority task");
        assertThat(prefix.priority()).isEqualTo(Priority.HIGH);
        assertThat(item("Owner tag task").owner()).isEqualTo(Owner.AGENT);
        Item both = item("Auth: prefix and owner");
        assertThat(both.priority()).isEqualTo(Priority.LOW);
        assertThat(both.owner()).isEqualTo(Owner.USER);
        assertThat(both.title()).isEqualTo("Auth: prefix and owner with epic from text");
        assertThat(both.epic()).isEqualTo("Auth");
    }

    @Test
    void priorityPrecedenceIsJsonThenPrefixThenSuffixThenMedium() {
        assertThat(item("JSON priority wins").priority()).isEqualTo(Priority.LOW);
        assertThat(item("Prefix beats suffix").priority()).isEqualTo(Priority.LOW);
        assertThat(item("Prefix beats suffix").title()).isEqualTo("Prefix beats suffix");
        assertThat(item("Suffix priority task").priority()).isEqualTo(Priority.HIGH);
        assertThat(item("Suffix priority task").title()).isEqualTo("Suffix priority task");
        assertThat(item("Not yet section task").priority()).isEqualTo(Priority.MEDIUM);
        assertThat(item("Plain backlog task").priority()).isEqualTo(Priority.MEDIUM);
        assertThat(item("Urgent via JSON").priority()).isEqualTo(Priority.URGENT);
    }

    @Test
    void jsonObjectCarriesTimestampsEpicOccurrencesAndAssignee() {
        Item t = item("Task with JSON");
        assertThat(t.title()).isEqualTo("Task with JSON");
        assertThat(t.createdAt().original()).isEqualTo("2025-10-29T10:00:00-05:00");
        assertThat(t.createdAt().instant()).isEqualTo(Instant.parse("2025-10-29T15:00:00Z"));
        assertThat(t.epic()).isEqualTo("Billing");
        assertThat(t.occurrenceCount()).isEqualTo(3);
        assertThat(t.assignee()).isEqualTo("alice");
        assertThat(t.priority()).isEqualTo(Priority.LOW);
    }

    /**
     * A NUL or a lone surrogate written as a JSON escape is taken out as a NUL in the line is, with a
     * warning naming the line, so the dry run reports what the real run would otherwise refuse.
     */
    @Test
    void whatATaskCannotHoldIsTakenOutOfItsJsonWithAWarning() {
        Document d = TodoMarkdown.parse(
                "## To Do\n- [ ] escaped {\"epic\": \"a\\u0000b\", \"assigned_to\": \"\\udc00\", \"note\\u0000\": \"\\ud800y\"}\n");
        Item t = d.items().getFirst();
        assertThat(t.title()).isEqualTo("escaped");
        assertThat(t.epic()).isEqualTo("ab");
        assertThat(t.assignee()).isEqualTo("\uFFFD");
        assertThat(t.extra()).containsEntry("note", "\uFFFDy");
        assertThat(d.warnings()).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(2);
            assertThat(w.message()).contains("NUL characters removed");
        });
    }

    @Test
    void timestampsWithoutOffsetAreUtcAndUnreadableOnesAreReported() {
        assertThat(item("Working on it").createdAt().instant()).isEqualTo(Instant.parse("2025-10-29T14:00:00Z"));
        Item bad = item("Bad timestamp");
        assertThat(bad.createdAt().original()).isEqualTo("yesterday");
        assertThat(bad.createdAt().instant()).isNull();
        assertThat(doc.warnings())
                .anyMatch(w -> w.line().equals(bad.line()) && w.message().contains("not a timestamp"));
    }

    @Test
    void suffixPriorityRepeatedCheckboxAndIdAfterTheJson() {
        Item t = item("With id");
        assertThat(t.title()).isEqualTo("With id");
        assertThat(t.originalId()).isEqualTo(42L);
        assertThat(t.priority()).isEqualTo(Priority.HIGH);
        assertThat(t.createdAt().instant()).isEqualTo(Instant.parse("2025-10-30T06:15:00Z"));
        assertThat(t.checked()).isFalse();
        Item repeated = item("Repeated checkbox");
        assertThat(repeated.title()).isEqualTo("Repeated checkbox");
        assertThat(repeated.checked()).isTrue();
    }

    @Test
    void checkedBoxesAndCompletionTimesAreRead() {
        Item t = item("Checked in To Do");
        assertThat(t.checked()).isTrue();
        assertThat(t.completedAt().instant()).isEqualTo(Instant.parse("2025-10-02T17:30:00Z"));
        Item shipped = item("Shipped it");
        assertThat(shipped.originalId()).isEqualTo(7L);
        assertThat(shipped.completedAt().original()).isEqualTo("2025-09-03T16:45:00-07:00");
    }

    @Test
    void epicFromTextOnlyWhenThePrefixIsShort() {
        assertThat(item("A very long epic prefix").epic()).isNull();
        assertThat(item("Non-Latin").epic()).isEqualTo("国際化");
        assertThat(TodoMarkdown.epicOf("Infra: upgrade nginx")).isEqualTo("Infra");
        assertThat(TodoMarkdown.epicOf("no colon here")).isNull();
    }

    @Test
    void malformedJsonIsReportedWithItsLineAndKeptAsTheTitle() {
        Item broken = item("Broken JSON");
        assertThat(broken.title()).isEqualTo("Broken JSON {\"created_at\": \"2025-10-29T10:00:00Z\", \"epic\": }");
        assertThat(broken.createdAt()).isNull();
        assertThat(doc.warnings())
                .anyMatch(w -> w.line().equals(broken.line()) && w.message().contains("malformed JSON"));
        assertThat(broken.line()).isEqualTo(25);
    }

    /** The colon of a broken JSON object is not the end of an epic prefix: the epic is read before the JSON. */
    @Test
    void malformedJsonGivesNoEpicFromItsOwnColon() {
        assertThat(item("Broken JSON").epic()).isNull();
        Document broken = TodoMarkdown.parse("""
                ## To Do
                - [ ] Billing: refunds fail {"created_at": "2025-01-02T10:00:00", (id:4)
                """);
        assertThat(broken.items()).singleElement().satisfies(i -> {
            assertThat(i.epic()).isEqualTo("Billing");
            assertThat(i.title()).isEqualTo("Billing: refunds fail {\"created_at\": \"2025-01-02T10:00:00\",");
        });
    }

    /** An unreadable line in Completed lands in a done column, which completes it: the warning does not say "open". */
    @Test
    void theWarningOfAnUnreadableLineDoesNotPromiseAnOpenTask() {
        Document done = TodoMarkdown.parse("## Completed\n- [?] odd box\n");
        assertThat(done.warnings())
                .singleElement()
                .satisfies(w ->
                        assertThat(w.message()).contains("unreadable task line").doesNotContain("open task"));
    }

    @Test
    void unreadableTaskLinesAreReportedAndKeptAsOpenTasks() {
        Item odd = item("- [?] Unreadable");
        assertThat(odd.checked()).isFalse();
        assertThat(doc.warnings())
                .anyMatch(w -> w.line().equals(odd.line()) && w.message().contains("unreadable task line"));
    }

    @Test
    void nonLatinTextCommasAndQuotesSurvive() {
        assertThat(item("Non-Latin").title()).isEqualTo("Non-Latin: Überprüfung 日本語のタスク, \"quoted\"");
    }

    @Test
    void tasksBeforeAnyHeadingAndEmptyTasksAreReported() {
        Document d = TodoMarkdown.parse("- [ ] early bird\n## To Do\n- [ ]\n- [x] fine\n");
        assertThat(d.items()).extracting(Item::title).containsExactly("early bird", "fine");
        assertThat(d.items().getFirst().section()).isEqualTo(Section.TODO);
        assertThat(d.warnings()).extracting(TodoMarkdown.Warning::line).containsExactly(1, 3);
    }

    @Test
    void overlongTitlesAreShortenedAndKeptWholeInTheDescription() {
        String text = "x".repeat(600);
        Item t = TodoMarkdown.parse("## To Do\n- [ ] " + text + "\n").items().getFirst();
        assertThat(t.title().codePointCount(0, t.title().length())).isEqualTo(500);
        assertThat(t.description()).isEqualTo(text);
    }

    @Test
    void writtenLinesReadBackToTheSameTask() {
        List<Line> lines = List.of(
                new Line(
                        true,
                        Priority.HIGH,
                        Owner.AGENT,
                        "Epic: done thing",
                        "2025-10-29T10:00:00-05:00",
                        "2025-10-30T10:00:00-05:00",
                        "Other",
                        2,
                        "bob",
                        false,
                        null,
                        Map.of("source", "x"),
                        12L,
                        List.of(new Check("write the notes", true), new Check("(high) read them {\"a\": 1}", false))),
                new Line(
                        false,
                        Priority.URGENT,
                        null,
                        "(low) starts like a priority",
                        "2025-01-01T00:00:00Z",
                        null,
                        null,
                        1,
                        null,
                        false,
                        null,
                        Map.of(),
                        null,
                        List.of()),
                new Line(
                        false,
                        Priority.MEDIUM,
                        null,
                        "ends with a brace {x}",
                        null,
                        null,
                        null,
                        1,
                        null,
                        true,
                        "dropped",
                        Map.of(),
                        null,
                        List.of()),
                new Line(
                        false,
                        Priority.LOW,
                        Owner.USER,
                        "ends like a suffix (high)",
                        "2025-01-01T00:00:00Z",
                        null,
                        null,
                        1,
                        null,
                        false,
                        null,
                        Map.of(),
                        3L,
                        List.of()));
        String text = TodoMarkdown.write("Board", Map.of(Section.TODO, lines));
        Document back = TodoMarkdown.parse(text);
        assertThat(back.warnings()).isEmpty();
        assertThat(back.items()).hasSize(4);
        Item first = back.items().get(0);
        assertThat(first.checked()).isTrue();
        assertThat(first.priority()).isEqualTo(Priority.HIGH);
        assertThat(first.owner()).isEqualTo(Owner.AGENT);
        assertThat(first.title()).isEqualTo("Epic: done thing");
        assertThat(first.epic()).isEqualTo("Other");
        assertThat(first.occurrenceCount()).isEqualTo(2);
        assertThat(first.assignee()).isEqualTo("bob");
        assertThat(first.originalId()).isEqualTo(12L);
        assertThat(first.extra()).containsEntry("source", "x");
        assertThat(first.checklist())
                .containsExactly(new Check("write the notes", true), new Check("(high) read them {\"a\": 1}", false));
        assertThat(back.items().get(1).priority()).isEqualTo(Priority.URGENT);
        assertThat(back.items().get(1).title()).isEqualTo("(low) starts like a priority");
        assertThat(back.items().get(2).title()).isEqualTo("ends with a brace {x}");
        assertThat(back.items().get(2).cancelled()).isTrue();
        assertThat(back.items().get(2).cancelReason()).isEqualTo("dropped");
        assertThat(back.items().get(3).title()).isEqualTo("ends like a suffix (high)");
        assertThat(back.items().get(3).priority()).isEqualTo(Priority.LOW);
        assertThat(TodoMarkdown.write("Board", Map.of(Section.TODO, lines))).isEqualTo(text);
    }

    @Test
    void checkboxLinesIndentedUnderATaskAreItsChecklist() {
        Document doc = TodoMarkdown.parse("""
                ## To Do
                - [ ] Plan the trip
                  - [x] book the flight
                  - [ ] (high) pack {"not": "metadata"}
                	* [ ] renew the passport
                  some note that is no item
                  - [ ]
                - [ ] Next task
                    - [ ] its own item
                ## In Progress
                  - [ ] indented first line of a section is a task
                  - [ ] and so is its sibling
                    - [ ] which has an item
                """);
        assertThat(doc.items())
                .extracting(Item::title)
                .containsExactly(
                        "Plan the trip",
                        "Next task",
                        "indented first line of a section is a task",
                        "and so is its sibling");
        assertThat(doc.items().get(0).checklist())
                .containsExactly(
                        new Check("book the flight", true),
                        new Check("(high) pack {\"not\": \"metadata\"}", false),
                        new Check("renew the passport", false));
        assertThat(doc.items().get(1).checklist()).containsExactly(new Check("its own item", false));
        assertThat(doc.items().get(2).checklist()).isEmpty();
        assertThat(doc.items().get(3).checklist()).containsExactly(new Check("which has an item", false));
        assertThat(doc.warnings()).extracting(Warning::line).containsExactly(7);

        String longText = "x".repeat(600);
        Document cut = TodoMarkdown.parse("- [ ] Task\n  - [ ] " + longText + "\n");
        assertThat(cut.items().getFirst().checklist().getFirst().text()).hasSize(500);
        assertThat(cut.warnings()).extracting(Warning::message).anyMatch(m -> m.contains("shortened"));
    }

    @Test
    void aStatusOtherThanCancelledIsReportedAndKeptNotDropped() {
        Document d = TodoMarkdown.parse("## To Do\n- [ ] A {\"status\": \"weird\", \"cancel_reason\": \"why\"}\n");

        Item a = d.items().getFirst();
        assertThat(a.cancelled()).isFalse();
        assertThat(a.extra()).containsEntry("status", "weird").containsEntry("cancel_reason", "why");
        assertThat(d.warnings()).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(2);
            assertThat(w.message()).contains("status \"weird\" is not read");
        });
        // and the export writes it back, so import → export → import keeps it
        String line = TodoMarkdown.line(new Line(
                a.checked(),
                a.priority(),
                a.owner(),
                a.title(),
                null,
                null,
                a.epic(),
                a.occurrenceCount(),
                a.assignee(),
                a.cancelled(),
                a.cancelReason(),
                a.extra(),
                a.originalId(),
                List.of()));
        assertThat(line).isEqualTo("- [ ] A {\"status\": \"weird\", \"cancel_reason\": \"why\"}");
    }
}
