package dev.agentkanban.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.RoundTrips;
import dev.agentkanban.transfer.CliRuns.Run;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * An import's database round trips do not grow with its number of tasks (issue 17's known gap: about a
 * dozen per card, and more for the larger imports): the tasks are written a chunk at a time
 * ({@link ImportedTasks#CHUNK}), each chunk in a handful of statements. Counted on the service's real
 * pool and driver ({@link RoundTrips}); counts, not timings. And the commands print their progress on
 * stderr.
 */
@Import(RoundTrips.class)
class ImportRoundTripsTest extends ApiTest {

    @Autowired
    ApplicationContext context;

    @TempDir
    Path dir;

    /** The fewest round trips of two runs (an identity cache miss adds look-ups to a run; see RoundTripsTest). */
    private static List<String> trips(Function<String, Function<String[], Http.Response>> request) {
        List<String> first = RoundTrips.of(request.apply("a"));
        List<String> second = RoundTrips.of(request.apply("b"));
        return first.size() <= second.size() ? first : second;
    }

    private static void assertFlat(
            String what, List<String> small, int smallCount, List<String> large, int largeCount) {
        double perSmall = (double) small.size() / smallCount;
        double perLarge = (double) large.size() / largeCount;
        System.out.printf(
                "%s round trips: %d for %d (%.3f each), %d for %d (%.3f each)%n",
                what, small.size(), smallCount, perSmall, large.size(), largeCount, perLarge);
        assertThat(perLarge)
                .as("round trips per task of %d tasks against %d tasks: %s", largeCount, smallCount, large)
                .isLessThanOrEqualTo(perSmall);
        // a chunk's statements, not a task's: ten times the tasks, at most one more statement per 10 tasks
        assertThat(large.size() - small.size())
                .as("the round trips the %d extra tasks took", largeCount - smallCount)
                .isLessThanOrEqualTo((largeCount - smallCount) / 10);
    }

    @Test
    void aTrelloImportsRoundTripsDoNotGrowWithItsCards() {
        Function<Integer, Function<String, Function<String[], Http.Response>>> importing = cards -> run -> h -> post(
                "/api/v1/import/trello",
                "application/json",
                Http.JSON.writeValueAsString(TrelloExports.generated("Trips " + cards + run, cards)),
                h);
        List<String> small = trips(importing.apply(50));
        List<String> large = trips(importing.apply(500));
        assertFlat("trello", small, 50, large, 500);
        // what a card brings (labels, a comment, a checklist, a link, archiving) is written per chunk
        assertThat(large.stream().filter(t -> t.startsWith("insert into tasks")))
                .hasSize(500 / ImportedTasks.CHUNK);
        assertThat(large.stream().filter(t -> t.contains("insert into comments")))
                .hasSize(500 / ImportedTasks.CHUNK);
    }

    @Test
    void aCsvImportsRoundTripsDoNotGrowWithItsRows() {
        Function<Integer, Function<String, Function<String[], Http.Response>>> importing =
                rows -> run -> h -> post("/api/v1/import/csv?board=Trips+csv+" + rows + run, "text/csv", csv(rows), h);
        List<String> small = trips(importing.apply(50));
        List<String> large = trips(importing.apply(500));
        assertFlat("csv", small, 50, large, 500);
    }

    @Test
    void aTodoImportsRoundTripsDoNotGrowWithItsLines() {
        Function<Integer, Function<String, Function<String[], Http.Response>>> importing = lines -> run ->
                h -> post("/api/v1/import/todo-md?board=Trips+todo+" + lines + run, "text/markdown", todo(lines), h);
        List<String> small = trips(importing.apply(50));
        List<String> large = trips(importing.apply(500));
        assertFlat("todo-md", small, 50, large, 500);
    }

    @Test
    void theTrelloCommandPrintsItsProgressEvery500CardsAndAtTheEnd() throws IOException {
        Path file = dir.resolve("trello.json");
        Files.writeString(file, Http.JSON.writeValueAsString(TrelloExports.generated("Progress", 1_050)));

        Run run = CliRuns.inApp(context, "import-trello", file.toString(), "--board", "Printed progress");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err().lines().filter(l -> l.startsWith("import-trello:")))
                .containsExactly(
                        "import-trello: 500 of 1,050 cards",
                        "import-trello: 1,000 of 1,050 cards",
                        "import-trello: 1,050 of 1,050 cards, done");
        assertThat(run.out()).contains("Cards: 1050 (52 archived").doesNotContain("import-trello:");
    }

    /** Exit codes as the docs give them: 2 for wrong usage (no such file), 1 for a file that fails to import. */
    @Test
    void aTrelloFileThatIsNotJsonFailsTheImportWithOne() throws IOException {
        Path file = dir.resolve("broken-trello.json");
        Files.writeString(file, "{\"lists\": [");

        Run broken = CliRuns.inApp(context, "import-trello", file.toString());
        assertThat(broken.exit()).as(broken.err()).isEqualTo(1);
        assertThat(broken.err()).contains("is not valid JSON").contains("nothing was imported");

        Run missing = CliRuns.inApp(
                context, "import-trello", dir.resolve("nowhere.json").toString());
        assertThat(missing.exit()).as(missing.err()).isEqualTo(2);
    }

    @Test
    void theCsvCommandPrintsItsProgressAtTheEnd() throws IOException {
        Path file = dir.resolve("tasks.csv");
        Files.writeString(file, csv(20));

        Run run = CliRuns.inApp(context, "import-csv", file.toString(), "--board", "Printed csv progress");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err().lines().filter(l -> l.startsWith("import-csv:")))
                .containsExactly("import-csv: 20 of 20 tasks, done");
    }

    /** Posts {@code body} with the round-trip counting header {@code h} (a long time-out for a loaded machine). */
    private Http.Response post(String path, String contentType, String body, String[] h) {
        return http.execute(HttpRequest.newBuilder(URI.create(http.base() + path))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", contentType)
                .header(h[0], h[1])
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** A CSV file of {@code rows} tasks over three columns, each with one or two of five tags. */
    private static String csv(int rows) {
        StringBuilder out = new StringBuilder("title,column,priority,tags\r\n");
        String[] columns = {"Backlog", "To Do", "Done"};
        for (int i = 0; i < rows; i++) {
            out.append("Row ")
                    .append(i)
                    .append(',')
                    .append(columns[i % 3])
                    .append(",high,")
                    .append("tag-")
                    .append(i % 5)
                    .append(i % 2 == 0 ? "; tag-" + (i + 1) % 5 : "")
                    .append("\r\n");
        }
        return out.toString();
    }

    /** A TODO.md of {@code lines} tasks in two sections, every other one with two checklist items. */
    private static String todo(int lines) {
        StringBuilder out = new StringBuilder("# Tasks\n\n## To Do\n");
        for (int i = 0; i < lines; i++) {
            if (i == lines / 2) {
                out.append("\n## Completed\n");
            }
            out.append("- [ ] (high) Task ").append(i).append(" (id:").append(i).append(")\n");
            if (i % 2 == 0) {
                out.append("  - [x] first step\n  - [ ] second step\n");
            }
        }
        return out.toString();
    }
}
