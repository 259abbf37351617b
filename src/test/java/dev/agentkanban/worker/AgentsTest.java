package dev.agentkanban.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.worker.Agent.ColumnLoad;
import dev.agentkanban.worker.Agent.Finding;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The built-in agents' rules, without a database. */
class AgentsTest {

    static final Instant NOW = Instant.parse("2030-01-31T12:00:00Z");

    record Case(WorkerTask task, List<WorkerTask> sameTitle, ColumnLoad load) implements Agent.Subject {
        @Override
        public Instant now() {
            return NOW;
        }

        @Override
        public List<WorkerTask> olderWithSameTitle() {
            return sameTitle;
        }

        @Override
        public Optional<ColumnLoad> column() {
            return Optional.ofNullable(load);
        }
    }

    @SuppressWarnings("unchecked")
    static WorkerTask task(String title, Object... fields) {
        Map<String, Object> f = new java.util.HashMap<>();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            f.put((String) fields[i], fields[i + 1]);
        }
        return new WorkerTask(
                42,
                1,
                10,
                title,
                (String) f.get("description"),
                (String) f.get("criteria"),
                (String) f.getOrDefault("status", "pending"),
                (String) f.getOrDefault("priority", "medium"),
                (String) f.get("epic"),
                (List<String>) f.getOrDefault("tags", List.of()),
                1,
                (Instant) f.getOrDefault("updated", NOW));
    }

    static List<Finding> run(Agent agent, WorkerTask task) {
        return agent.analyse(new Case(task, List.of(), null));
    }

    static Finding only(Agent agent, WorkerTask task) {
        List<Finding> found = run(agent, task);
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    @Test
    void aTitleInCapitalsOrWithTrailingPunctuationGetsACleanedUpTitle() {
        Agent title = new Agents.Title();
        Finding caps = only(title, task("SERVER CRASHES ON LOGIN!!!"));
        assertThat(caps.type()).isEqualTo("title");
        assertThat(caps.suggestion()).containsEntry("title", "Server crashes on login");
        assertThat(caps.message()).contains("capitals", "punctuation");
        assertThat(only(title, task("Update the  install guide.")).suggestion())
                .containsEntry("title", "Update the install guide");
        assertThat(run(title, task("Why does the export time out?"))).isEmpty();
        assertThat(run(title, task("Add CSV export for boards"))).isEmpty();
    }

    @Test
    void aVagueTitleGetsTheDescriptionsFirstSentenceOrAdvice() {
        Agent title = new Agents.Title();
        Finding better = only(
                title,
                task("fix bug", "description", "The login page redirects to a 404 after sign-in. Seen on Safari."));
        assertThat(better.type()).isEqualTo("title");
        assertThat(better.suggestion()).containsEntry("title", "The login page redirects to a 404 after sign-in");
        Finding advice = only(title, task("todo"));
        assertThat(advice.type()).isEqualTo("actions");
        assertThat(advice.suggestion()).containsEntry("action", "rename");
    }

    @Test
    void aMissingDescriptionOrMissingCriteriaGetATemplate() {
        Agent description = new Agents.Description();
        Finding none = only(description, task("Export boards as CSV"));
        assertThat(none.suggestion()).containsKeys("description", "acceptance_criteria");
        Finding noCriteria = only(description, task("Export boards as CSV", "description", "For spreadsheets"));
        assertThat(noCriteria.suggestion()).containsOnlyKeys("acceptance_criteria");
        assertThat((String) noCriteria.suggestion().get("acceptance_criteria"))
                .startsWith("- [ ] Export boards as CSV");
        assertThat(run(description, task("Export boards as CSV", "description", "d", "criteria", "- [ ] done")))
                .isEmpty();
    }

    @Test
    void wordsOfTroubleRaiseThePriorityButNeverLowerIt() {
        Agent priority = new Agents.PriorityRule();
        assertThat(only(priority, task("App crashes on save")).suggestion()).containsEntry("priority", "high");
        assertThat(only(priority, task("Checkout outage", "priority", "high")).suggestion())
                .containsEntry("priority", "urgent");
        assertThat(only(priority, task("Rotate keys", "description", "A security fix"))
                        .suggestion())
                .containsEntry("priority", "urgent");
        assertThat(run(priority, task("App crashes on save", "priority", "urgent")))
                .isEmpty();
        assertThat(run(priority, task("Crashed out of the meeting notes", "priority", "high")))
                .isEmpty();
        assertThat(run(priority, task("Discuss the errorless design"))).isEmpty();
    }

    @Test
    void keywordsSuggestTheTagsTheTaskLacks() {
        Agent tags = new Agents.Tags();
        Finding found = only(tags, task("Typo in README crashes the docs build"));
        assertThat(found.suggestion().get("tags")).isEqualTo(List.of("bug", "documentation"));
        Finding partly = only(tags, task("Typo in README crashes the docs build", "tags", List.of("Bug")));
        assertThat(partly.suggestion().get("tags")).isEqualTo(List.of("documentation"));
        assertThat(run(tags, task("Plan the offsite"))).isEmpty();
    }

    @Test
    void aTitlePrefixBecomesTheEpic() {
        Agent epic = new Agents.Epic();
        assertThat(only(epic, task("Billing: refunds are rounded")).suggestion())
                .containsEntry("epic", "Billing");
        assertThat(run(epic, task("Billing: refunds are rounded", "epic", "Payments")))
                .isEmpty();
        assertThat(run(epic, task("See https://example.com/issue"))).isEmpty();
        assertThat(run(epic, task("A very long prefix with many words in it: rest")))
                .isEmpty();
    }

    @Test
    void anOlderOpenTaskWithTheSameTitleMakesThisOneADuplicate() {
        Agent duplicate = new Agents.Duplicate();
        WorkerTask older =
                new WorkerTask(7, 1, 10, "Login fails", null, null, "pending", "medium", null, List.of(), 1, NOW);
        List<Finding> found = duplicate.analyse(new Case(task("login   FAILS"), List.of(older), null));
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo("duplicate");
            assertThat(f.suggestion()).containsEntry("duplicate_of", 7L);
        });
        assertThat(duplicate.analyse(new Case(task("Login fails"), List.of(), null)))
                .isEmpty();
    }

    @Test
    void aTaskInProgressUntouchedForTheLimitIsStale() {
        Agent stale = new Agents.Stale(Duration.ofDays(7));
        Instant old = NOW.minus(Duration.ofDays(9));
        Finding found = only(stale, task("Migrate the database", "status", "in_progress", "updated", old));
        assertThat(found.message()).contains("9 days");
        assertThat(found.suggestion()).containsEntry("last_change", old.toString());
        assertThat(run(
                        stale,
                        task(
                                "Migrate the database",
                                "status",
                                "in_progress",
                                "updated",
                                NOW.minus(Duration.ofDays(2)))))
                .isEmpty();
        assertThat(run(stale, task("Migrate the database", "status", "pending", "updated", old)))
                .isEmpty();
    }

    @Test
    void aColumnOverItsWipLimitIsReported() {
        Agent wip = new Agents.Wip();
        List<Finding> over =
                wip.analyse(new Case(task("Busy"), List.of(), new ColumnLoad(10, "In Progress", "in_progress", 2, 3)));
        assertThat(over).singleElement().satisfies(f -> {
            assertThat(f.message()).contains("In Progress", "3 tasks", "limit of 2");
            assertThat(f.suggestion()).containsEntry("wip_limit", 2);
        });
        assertThat(wip.analyse(
                        new Case(task("Busy"), List.of(), new ColumnLoad(10, "In Progress", "in_progress", 3, 3))))
                .isEmpty();
        assertThat(wip.analyse(new Case(task("Busy"), List.of(), new ColumnLoad(10, "To Do", "todo", null, 30))))
                .isEmpty();
    }

    @Test
    void aLongChecklistSuggestsSplittingTheTask() {
        Agent actions = new Agents.Actions();
        String checklist = "- [ ] step\n".repeat(9);
        Finding found = only(actions, task("Launch", "description", checklist));
        assertThat(found.suggestion()).containsEntry("action", "split").containsEntry("checklist_items", 9L);
        // the open items are proposed as subtasks (applying the hint creates them); done ones are not
        Finding named = only(
                actions,
                task(
                        "Launch",
                        "description",
                        "Plan:\n- [x] book the hall\n  * [ ] print the tickets  \n" + "- [ ] step\n".repeat(7)
                                + "- [ ]\n-[ ] not an item"));
        assertThat(named.suggestion().get("subtasks"))
                .isEqualTo(java.util.stream.Stream.concat(
                                java.util.stream.Stream.of("print the tickets"),
                                java.util.stream.Stream.generate(() -> "step").limit(7))
                        .toList());
        assertThat(named.message()).contains("8 subtasks");
        assertThat(run(actions, task("Launch", "description", "- [ ] step\n".repeat(8))))
                .isEmpty();
    }

    @Test
    void closedTasksAreLeftAlone() {
        WorkerTask done = task("SERVER CRASHES!!! Billing: docs", "status", "completed");
        for (Agent agent : Agents.builtIn(Duration.ofDays(7))) {
            assertThat(agent.analyse(new Case(done, List.of(done), new ColumnLoad(10, "Done", "done", 1, 5))))
                    .as(agent.name())
                    .isEmpty();
        }
    }

    @Test
    void backoffDoublesPerAttemptUpToTheMaximum() {
        Duration initial = Duration.ofSeconds(5);
        Duration max = Duration.ofMinutes(1);
        assertThat(WorkerSettings.backoff(initial, 1, max)).isEqualTo(Duration.ofSeconds(5));
        assertThat(WorkerSettings.backoff(initial, 2, max)).isEqualTo(Duration.ofSeconds(10));
        assertThat(WorkerSettings.backoff(initial, 3, max)).isEqualTo(Duration.ofSeconds(20));
        assertThat(WorkerSettings.backoff(initial, 10, max)).isEqualTo(max);
    }
}
