package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * The task reads that answer the JSON their statement writes (issue #19: get and list) answer exactly,
 * byte for byte, what the mapper writes for the same tasks read as {@link TaskView}s: on a database
 * varied on purpose (strings with quotes, back-slashes, control characters and characters outside
 * ASCII; instants with and without fractions, far years; metadata and custom field values with
 * fractions, exponents, big and nested numbers; tags, comments, checklists, relations, assignees,
 * archived, claimed, completed and cancelled tasks).
 */
class TaskJsonTest extends ApiTest {

    private static final List<String> TEXTS = List.of(
            "plain",
            "quote \" and back\\slash / slash",
            "control \u0001 \u000b \u000e \u001a \u001f \t tab \n line \r\n \b \f",
            "é ü 漢字 \u2028 😀",
            "  spaced  ");
    private static final List<String> METADATA = List.of(
            "{}",
            "{\"source\": \"bench\", \"n\": 7}",
            "{\"a\": 1.50, \"b\": [1e2, 0.0001, 12345678.9, 123456789012345678901234567890, -0, 1.0, 0.1, 3e-7],"
                    + " \"c\": {\"d\": \"x\\u0001y \\\" é\", \"e\": null, \"f\": true, \"g\": []}}",
            "{\"nested\": {\"deeper\": [{\"k\": -12.25}, 9007199254740993, 1e300]}}");

    @Autowired
    TaskQueries queries;

    @Autowired
    JsonMapper json;

    @Autowired
    Transactions tx;

    private final List<Long> tasks = new ArrayList<>();
    private long[] board;
    private RequestContext as;

    @BeforeAll
    void aVariedBoard() {
        TaskFixtures fx = new TaskFixtures(http);
        board = fx.board("json board");
        as = new RequestContext(defaultWorkspace, admin.username(), Role.ADMIN);
        Random random = new Random(19);
        List<Long> tags = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            tags.add(jdbc.sql("insert into tags (workspace_id, name, color) values (?, ?, ?) returning id")
                    .params(defaultWorkspace, "tag " + i + " " + TEXTS.get(i).strip(), "#00000" + i)
                    .query(Long.class)
                    .single());
        }
        List<Long> fields = new ArrayList<>();
        for (String type : List.of("number", "text", "checkbox")) {
            fields.add(jdbc.sql(
                            "insert into custom_fields (workspace_id, board_id, name, type, options, position) values (?, ?, ?, ?, '[]', ?) returning id")
                    .params(defaultWorkspace, board[0], type + " \"field\" é", type, fields.size())
                    .query(Long.class)
                    .single());
        }
        long other = identities
                .provision("json-other", "json-other-password", defaultWorkspace, Role.MEMBER, false)
                .id();
        for (int i = 0; i < 60; i++) {
            long id = fx.task(
                    board[0],
                    "task " + i,
                    "column_id",
                    board[1 + i % 4],
                    "priority",
                    List.of("low", "medium", "high", "urgent").get(i % 4));
            tasks.add(id);
            String text = TEXTS.get(i % TEXTS.size());
            jdbc.sql("""
                    update tasks set title = ?, description = ?, acceptance_criteria = ?, epic = ?, area = ?,
                           owner = ?, assignee = ?, metadata = ?::jsonb, due_date = ?::timestamptz,
                           custom_fields = ?::jsonb
                    where id = ?""")
                    .params(
                            "t" + i + " " + text,
                            i % 3 == 0 ? null : text,
                            i % 4 == 0 ? text : null,
                            i % 5 == 0 ? null : "epic " + text,
                            i % 2 == 0 ? "area" : null,
                            List.of("user", "agent").get(i % 2),
                            i % 6 == 0 ? "free text " + text : null,
                            METADATA.get(i % METADATA.size()),
                            List.of(
                                            "2026-01-02 03:04:05.123456+00",
                                            "2025-06-01 00:00:00+00",
                                            "2030-12-31 23:59:59.5+00",
                                            "2026-03-04 05:06:07.120+00",
                                            "12026-01-01 00:00:00.000001+00",
                                            "1600-03-15 12:00:00+00")
                                    .get(i % 6),
                            i % 3 == 1
                                    ? "{\"" + fields.get(0) + "\": "
                                            + List.of("3.25", "1e-7", "42", "12345678.5")
                                                    .get(i % 4)
                                            + ", \"" + fields.get(1) + "\": \"" + (i % 2 == 0 ? "a/b" : "x") + "\", \""
                                            + fields.get(2) + "\": true}"
                                    : "{}",
                            id)
                    .update();
            for (int t = 0; t < random.nextInt(3); t++) {
                jdbc.sql(
                                "insert into task_tags (task_id, tag_id, workspace_id) values (?, ?, ?) on conflict do nothing")
                        .params(id, tags.get(random.nextInt(tags.size())), defaultWorkspace)
                        .update();
            }
            for (int c = 0; c < i % 3; c++) {
                http.post("/api/v1/tasks/" + id + "/comments", obj("body", "comment " + c));
            }
            if (i % 4 == 1) {
                jdbc.sql("insert into checklist_items (workspace_id, task_id, position, text, done)"
                                + " values (?, ?, 65536, ?, false), (?, ?, 131072, 'second', true)")
                        .params(defaultWorkspace, id, "item " + text, defaultWorkspace, id)
                        .update();
            }
            if (i % 5 == 2) {
                jdbc.sql("insert into task_assignees (workspace_id, task_id, user_id) values (?, ?, ?), (?, ?, ?)")
                        .params(defaultWorkspace, id, other, defaultWorkspace, id, admin.id())
                        .update();
            }
        }
        for (int i = 0; i < 20; i++) {
            long from = tasks.get(random.nextInt(tasks.size()));
            long to = tasks.get(random.nextInt(tasks.size()));
            if (from != to) {
                http.post(
                        "/api/v1/tasks/" + to + "/relations",
                        obj("kind", i % 2 == 0 ? "blocks" : "parent", "task_id", from));
            }
        }
        http.post("/api/v1/tasks/" + tasks.get(7) + "/claim", obj());
        http.post("/api/v1/tasks/" + tasks.get(8) + "/complete", obj());
        http.post("/api/v1/tasks/" + tasks.get(9) + "/cancel", obj("reason", "no \" longer"));
        for (int i = 10; i < 14; i++) {
            http.post("/api/v1/tasks/" + tasks.get(i) + "/archive", obj());
        }
        assertThat(jdbc.sql("select count(*) from task_relations")
                        .query(Long.class)
                        .single())
                .isPositive();
        assertThat(jdbc.sql("select count(*) from tasks where archived_at is not null")
                        .query(Long.class)
                        .single())
                .isEqualTo(4);
    }

    private <T> T as(Supplier<T> read) {
        return CurrentRequest.runAs(as, read);
    }

    /** Both reads in one transaction: one now() for the overdue flag and the time in the column. */
    private String[] both(Supplier<String> view, Supplier<String> written) {
        return CurrentRequest.runAs(as, () -> tx.readTogether(() -> new String[] {view.get(), written.get()}));
    }

    /** The list's JSON as the controller gets it (a pooled buffer), given back once read. */
    private String listJson(TaskFilter filter, PageRequest page) {
        TaskJsonWriter.JsonBytes out = queries.listJson(filter, page);
        try {
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    /** The time in the column counts the seconds to the statement's now(): two requests may differ by one. */
    private static String withoutTimeInColumn(String json) {
        return json.replaceAll("\"time_in_column_seconds\":\\d+", "\"time_in_column_seconds\":_");
    }

    @Test
    void aTaskIsTheSameJsonAsItsView() {
        for (long id : tasks) {
            long[] version = new long[1];
            String[] two = both(() -> json.writeValueAsString(queries.get(id)), () -> {
                TaskQueries.TaskJson written = queries.getJson(id);
                version[0] = written.version();
                return new String(written.json(), StandardCharsets.UTF_8);
            });
            assertThat(two[1]).as("task %d", id).isEqualTo(two[0]);
            Response r = http.get("/api/v1/tasks/" + id);
            assertThat(r.status()).isEqualTo(200);
            assertThat(withoutTimeInColumn(r.body())).isEqualTo(withoutTimeInColumn(two[0]));
            assertThat(r.header("ETag")).contains("\"" + version[0] + "\"");
            assertThat(r.header("Content-Type")).contains("application/json");
        }
    }

    @Test
    void aPageIsTheSameJsonAsItsViews() {
        List<Map<String, Object>> filters = List.of(
                Map.of("board_id", board[0]),
                Map.of("column_id", board[1]),
                Map.of("column_id", board[3], "limit", 5, "offset", 2),
                Map.of("board_id", board[0], "sort", "-updated_at"),
                Map.of("board_id", board[0], "sort", "due_date"),
                Map.of("board_id", board[0], "archived", true),
                Map.of("board_id", board[0], "blocked", true),
                Map.of("board_id", board[0], "offset", 1000));
        for (Map<String, Object> f : filters) {
            TaskFilter filter = new TaskFilter(
                    (Long) f.get("board_id"),
                    (Long) f.get("column_id"),
                    List.of(),
                    List.of(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    (String) f.get("sort"),
                    (Boolean) f.get("blocked"),
                    null,
                    null,
                    (Boolean) f.get("archived"),
                    null,
                    Map.of());
            Integer limit = (Integer) f.get("limit");
            Integer offset = (Integer) f.get("offset");
            PageRequest page = PageRequest.of(limit, offset == null ? null : offset.longValue());
            String[] two =
                    both(() -> json.writeValueAsString(queries.list(filter, page)), () -> listJson(filter, page));
            assertThat(two[1]).as("%s", f).isEqualTo(two[0]);
            assertThat(two[0]).as("%s", f).contains("\"total\":");
            StringBuilder query = new StringBuilder();
            f.forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&")
                    .append(k)
                    .append('=')
                    .append(v));
            Response r = http.get("/api/v1/tasks" + query);
            assertThat(r.status()).isEqualTo(200);
            assertThat(withoutTimeInColumn(r.body())).as("%s", f).isEqualTo(withoutTimeInColumn(two[0]));
            // sent from a buffer kept for the next page: the headers of a byte array's answer, its length exact
            assertThat(r.header("Content-Type")).contains("application/json");
            assertThat(r.header("Content-Length")).contains(Integer.toString(r.bytes().length));
        }
    }

    /**
     * One task's read (V57's {@code task_parts()}) answers the same JSON as the task in a page of many
     * (the parts read once for all the rows): the two forms of the parts agree on every kind of part.
     */
    @Test
    void aTaskReadAloneIsTheSameAsInAPage() {
        TaskFilter all = new TaskFilter(
                board[0], null, List.of(), List.of(), null, null, null, null, null, null, null, null, "id", null, null,
                null, null, null, Map.of());
        String[] two = CurrentRequest.runAs(
                as,
                () -> tx.readTogether(() -> {
                    String page = listJson(all, PageRequest.of(200, null));
                    StringBuilder alone = new StringBuilder("[");
                    for (var item : json.readTree(page).get("items")) {
                        TaskQueries.TaskJson one =
                                queries.getJson(item.get("id").asLong());
                        alone.append(alone.length() > 1 ? "," : "")
                                .append(new String(one.json(), StandardCharsets.UTF_8));
                    }
                    return new String[] {page, alone.append(']').toString()};
                }));
        assertThat(json.readTree(two[0]).get("items")).hasSizeGreaterThan(20);
        assertThat(json.readTree(two[1])).isEqualTo(json.readTree(two[0]).get("items"));
    }

    /**
     * V57's bits never hide a part: every task's parts read as its {@code view_parts} allows are the parts
     * read as if it might have all of them. The board has tasks with every kind of part, written as the
     * service and its API write them (the bits were set by the triggers).
     */
    @Test
    void theBitsNeverHideAPart() {
        String parts = """
                (select row(coalesce(p.comment_count, 0), p.blockers, p.parent_id, coalesce(p.subtasks_done, 0),
                            coalesce(p.subtasks_total, 0), coalesce(p.items_done, 0), coalesce(p.items_total, 0),
                            p.assignees, p.fields)::text
                 from task_parts(t.id, %s, t.board_id, t.custom_fields) p)""";
        assertThat(jdbc.sql("select bit_or(view_parts) from tasks where board_id = ?")
                        .params(board[0])
                        .query(Integer.class)
                        .single())
                .isEqualTo(127 & ~2 | 256); // V62: the tags are on the row; V71: 256, a blocker of others
        assertThat(jdbc.sql("select t.id from tasks t where t.board_id = ? and " + parts.formatted("t.view_parts")
                                + " is distinct from " + parts.formatted("127"))
                        .params(board[0])
                        .query(Long.class)
                        .list())
                .isEmpty();
    }

    @Test
    void instantsAreWrittenAsTheMapperWritesThem() {
        TaskJsonWriter writer = new TaskJsonWriter(json);
        Random random = new Random(1919);
        List<Long> micros = new ArrayList<>(List.of(
                0L,
                -1L,
                1L,
                999_999L,
                1_000L,
                -62_135_596_800_000_000L, // 0001-01-01
                -62_135_596_800_000_001L, // just before
                253_402_300_799_999_999L, // 9999-12-31T23:59:59.999999
                253_402_300_800_000_000L, // 10000-01-01
                951_782_400_000_000L, // 2000-02-29
                -12_219_292_800_000_000L)); // 1582-10-15
        for (int i = 0; i < 20_000; i++) {
            long m = random.nextLong(-62_135_596_800_000_000L, 253_402_300_800_000_000L);
            micros.add(i % 3 == 0 ? m - m % 1_000_000 : i % 3 == 1 ? m - m % 1_000 : m);
        }
        micros.add(-70_000_000_000_000_000L);
        micros.add(400_000_000_000_000_000L);
        for (long m : micros) {
            TaskJsonWriter.JsonBytes out = new TaskJsonWriter.JsonBytes(8);
            writer.instant(out, m);
            assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8))
                    .as("%d", m)
                    .isEqualTo(json.writeValueAsString(
                            java.time.Instant.EPOCH.plus(m, java.time.temporal.ChronoUnit.MICROS)));
        }
    }

    /**
     * The time in the column, counted by the writer from the statement's {@code now()} and the column's
     * entry, is what {@code greatest(0, extract(epoch from now() - column_entered_at))::bigint} counted in
     * PostgreSQL: whole seconds, half a second up, none for an entry at or after now or for none at all.
     */
    @Test
    void theTimeInTheColumnIsCountedAsPostgreSqlCountsIt() {
        long now = 1_765_000_000_123_456L;
        List<Long> entries = new ArrayList<>();
        for (long d : new long[] {
            0,
            1,
            -1,
            499_999,
            500_000,
            500_001,
            999_999,
            1_000_000,
            1_499_999,
            1_500_000,
            2_500_000,
            -499_999,
            -500_000,
            -1_500_000,
            86_399_500_000L,
            86_400_000_000L,
            86_400_499_999L,
            86_400_500_000L,
            40L * 366 * 86_400_000_000L + 500_000,
            -3L * 86_400_000_000L
        }) {
            entries.add(now - d);
        }
        Random random = new Random(1920);
        for (int i = 0; i < 3000; i++) {
            long d = random.nextLong(-100_000_000_000L, 20L * 366 * 86_400_000_000L);
            entries.add(now - (i % 2 == 0 ? d - d % 500_000 : d));
        }
        String at = "(timestamptz 'epoch' + %1$s / 1000000 * interval '1 second'"
                + " + %1$s %% 1000000 * interval '1 microsecond')";
        List<Long> counted = jdbc.sql("select greatest(0, extract(epoch from " + at.formatted("n") + " - "
                        + at.formatted("e") + "))::bigint from unnest(?::bigint[]) with ordinality u(e, o),"
                        + " (select ?::bigint as n) x order by o")
                .params(entries.toArray(Long[]::new), now)
                .query(Long.class)
                .list();
        assertThat(counted).hasSize(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            assertThat(TaskJsonWriter.secondsBetween(entries.get(i), now))
                    .as("entered %d, now %d", entries.get(i), now)
                    .isEqualTo(counted.get(i));
        }
        assertThat(TaskJsonWriter.secondsBetween(null, now)).isZero();
        assertThat(jdbc.sql("select greatest(0, extract(epoch from now() - null::timestamptz))::bigint")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void stringsAreEscapedAsTheMapperEscapesThem() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            all.append(c);
        }
        List<String> strings = new ArrayList<>(TEXTS);
        strings.addAll(List.of(
                "",
                "\\\\u001b",
                "\"",
                "\\",
                "\0",
                "a\u007fb",
                "\u2028\u2029\ufeff",
                "\ud83d\ude00\"\ud83d\ude00",
                all.toString()));
        for (String s : strings) {
            TaskJsonWriter.JsonBytes out = new TaskJsonWriter.JsonBytes(1);
            TaskJsonWriter.string(out, s.getBytes(StandardCharsets.UTF_8));
            assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8)).isEqualTo(json.writeValueAsString(s));
        }
    }
}
