package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Builders for boards and tasks over the real API. */
public final class TaskFixtures {

    private final Http http;

    public TaskFixtures(Http http) {
        this.http = http;
    }

    /** A board with the default columns; returns {board id, backlog, todo, in progress, done column ids}. */
    public long[] board(String name) {
        Response r = http.post("/api/v1/boards", obj("name", name));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode cols = r.json().get("columns");
        long[] ids = new long[1 + cols.size()];
        ids[0] = r.id();
        for (int i = 0; i < cols.size(); i++) {
            ids[i + 1] = cols.get(i).get("id").asLong();
        }
        return ids;
    }

    public long task(long boardId, String title, Object... more) {
        Map<String, Object> body = obj(more);
        body.put("board_id", boardId);
        body.put("title", title);
        Response r = http.post("/api/v1/tasks", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.id();
    }

    public JsonNode get(long taskId) {
        Response r = http.get("/api/v1/tasks/" + taskId);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** Task ids of a column in board order. */
    public List<Long> order(long columnId) {
        Response r = http.get("/api/v1/tasks?column_id=" + columnId + "&limit=500");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        r.json().get("items").forEach(t -> ids.add(t.get("id").asLong()));
        return ids;
    }
}
