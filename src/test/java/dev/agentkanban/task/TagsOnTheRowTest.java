package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.SqlTasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * V62 keeps a task's tags, as its view shows them, on the task row ({@code tasks.tags_json}), written by
 * triggers in the transaction that changes them: the task's read and the task in a list show its tags as
 * they are after every kind of change (attached, detached, set, a tag renamed, recoloured or deleted),
 * and since V71 each such change is a new version of the task (its ETag: the tags are in its JSON),
 * one per change. Upgrading fills the column for the tasks
 * that have tags.
 */
class TagsOnTheRowTest extends ApiTest {

    private SqlTasks tasks;

    @BeforeAll
    void fixtures() {
        tasks = new SqlTasks(jdbc);
    }

    @Test
    void theTaskShowsItsTagsAfterEveryChangeOfThemAtANewVersion() {
        long zeta = http.post("/api/v1/tags", obj("name", "Zeta on row", "color", "#111111"))
                .id();
        long alpha = http.post("/api/v1/tags", obj("name", "alpha on row", "color", "#222222"))
                .id();
        long one = tasks.task("Tagged one");
        long two = tasks.task("Tagged two");
        long versionOne = version(one);
        long versionTwo = version(two);

        http.post("/api/v1/tasks/" + one + "/tags", obj("tag_id", zeta));
        http.put("/api/v1/tasks/" + two + "/tags", obj("tag_ids", List.of(zeta, alpha)));
        assertTags(one, "Zeta on row #111111");
        assertTags(two, "alpha on row #222222", "Zeta on row #111111");
        versionOne = next(one, versionOne);
        versionTwo = next(two, versionTwo);

        http.patch("/api/v1/tags/" + zeta, obj("name", "beta on row"));
        assertTags(one, "beta on row #111111");
        assertTags(two, "alpha on row #222222", "beta on row #111111");
        versionOne = next(one, versionOne);
        versionTwo = next(two, versionTwo);

        http.patch("/api/v1/tags/" + alpha, obj("color", "#333333"));
        assertTags(two, "alpha on row #333333", "beta on row #111111");
        versionTwo = next(two, versionTwo);
        assertThat(version(one)).as("task one does not carry alpha").isEqualTo(versionOne);

        http.delete("/api/v1/tasks/" + two + "/tags/" + alpha);
        assertTags(two, "beta on row #111111");
        versionTwo = next(two, versionTwo);

        http.post("/api/v1/tasks/" + one + "/tags", obj("tag_id", alpha));
        assertTags(one, "alpha on row #333333", "beta on row #111111");
        versionOne = next(one, versionOne);

        http.delete("/api/v1/tags/" + zeta);
        assertTags(one, "alpha on row #333333");
        assertTags(two);
        versionOne = next(one, versionOne);
        versionTwo = next(two, versionTwo);

        http.put("/api/v1/tasks/" + one + "/tags", obj("tag_ids", List.of()));
        assertTags(one);
        next(one, versionOne);
        assertThat(jdbc.sql("select count(*) from tasks where id in (?, ?) and tags_json is not null")
                        .params(one, two)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    /** The task's version is the one after {@code before}: one new version for the change. */
    private long next(long task, long before) {
        assertThat(version(task)).as("task %d after a change of its tags", task).isEqualTo(before + 1);
        return before + 1;
    }

    /** The task's tags, read alone and in a list, are TAGS ("name color", in the order of the names). */
    private void assertTags(long task, String... tags) {
        JsonNode alone = http.get("/api/v1/tasks/" + task).json();
        assertThat(names(alone.get("tags"))).as("task %d", task).containsExactly(tags);
        JsonNode page = http.get("/api/v1/tasks?board_id=" + tasks.boardOf(task) + "&limit=200")
                .json();
        JsonNode listed = null;
        for (JsonNode item : page.get("items")) {
            if (item.get("id").asLong() == task) {
                listed = item;
            }
        }
        assertThat(listed).as("task %d in its board's list", task).isNotNull();
        assertThat(listed.get("tags")).isEqualTo(alone.get("tags"));
        // the tags' own endpoint reads task_tags and tags
        assertThat(names(http.get("/api/v1/tasks/" + task + "/tags").json())).containsExactly(tags);
    }

    private static List<String> names(JsonNode tags) {
        List<String> names = new ArrayList<>();
        tags.forEach(
                t -> names.add(t.get("name").asString() + " " + t.get("color").asString()));
        return names;
    }

    private long version(long task) {
        return http.get("/api/v1/tasks/" + task).json().get("version").asLong();
    }

    @Test
    void upgradingWritesTheTagsOfTheTasksThatHaveThem() {
        try (OldTasks old = new OldTasks("60", 3)) {
            JdbcClient sql = old.jdbc;
            long ws = old.ws;
            long[] t = old.tasks;
            long quote = old.id("insert into tags (workspace_id, name, color) values (?, 'Quo\"te', '#AbCdEf')", ws);
            long apple = old.id("insert into tags (workspace_id, name) values (?, 'apple')", ws);
            String attach = "insert into task_tags (workspace_id, task_id, tag_id) values (?, ?, ?)";
            sql.sql(attach).params(ws, t[0], quote).update();
            sql.sql(attach).params(ws, t[0], apple).update();
            // a task that had a tag (its bit is set) and has none now
            sql.sql(attach).params(ws, t[1], apple).update();
            sql.sql("delete from task_tags where task_id = ?").params(t[1]).update();
            Map<Long, Long> versions = versions(sql);

            old.migrate(null);

            Map<Long, String> rows = sql
                    .sql("select id, view_parts || ' ' || coalesce(tags_json, '-') from tasks")
                    .query((rs, n) -> Map.entry(rs.getLong(1), rs.getString(2)))
                    .list()
                    .stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(rows)
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            t[0],
                            "0 [{\"id\":" + apple + ",\"name\":\"apple\",\"color\":\"#6b7280\"},{\"id\":" + quote
                                    + ",\"name\":\"Quo\\\"te\",\"color\":\"#AbCdEf\"}]",
                            t[1],
                            "0 -",
                            t[2],
                            "0 -"));
            assertThat(versions(sql)).isEqualTo(versions);
        }
    }

    private static Map<Long, Long> versions(JdbcClient sql) {
        return sql
                .sql("select id, version from tasks")
                .query((rs, n) -> Map.entry(rs.getLong(1), rs.getLong(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
