package dev.agentkanban.transfer;

import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Helpers of the transfer tests: raw bodies of any type, form uploads, fixtures and database snapshots. */
final class TransferFixtures {

    private TransferFixtures() {}

    static byte[] resource(String name) {
        try (InputStream in = TransferFixtures.class.getResourceAsStream("/transfer/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(String name) {
        return new String(resource(name), StandardCharsets.UTF_8);
    }

    /** Sends {@code body} with exactly this content type (the test client would add application/json). */
    static Response send(Http http, String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path))
                .timeout(Duration.ofSeconds(120))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.execute(b.build());
    }

    static Response post(Http http, String path, String contentType, String body) {
        return send(http, "POST", path, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    static Response upload(Http http, String path, String filename, String type, byte[] content) {
        String boundary = "kanban-" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                        + "\"\r\n" + "Content-Type: " + type + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(http, "POST", path, "multipart/form-data; boundary=" + boundary, out.toByteArray());
    }

    /**
     * Row counts of everything an import may write: equal snapshots mean nothing changed. The due-date
     * reminders (issue 15) are left out of the events: the reminder scan appends them in the background
     * for imported cards already due, whatever the request being checked does.
     */
    static Map<String, Long> snapshot(JdbcClient jdbc) {
        return new TreeMap<>(jdbc.sql("""
                select (select count(*) from boards) as boards, (select count(*) from board_columns) as columns,
                       (select count(*) from tasks) as tasks, (select count(*) from tags) as tags,
                       (select count(*) from task_tags) as task_tags, (select count(*) from comments) as comments,
                       (select count(*) from evidence) as evidence,
                       (select count(*) from outbox_events where type not in ('task_due_soon', 'task_overdue')) as events,
                       (select count(*) from task_history) as history,
                       (select coalesce(sum(version), 0) from tasks) + (select coalesce(sum(version), 0) from boards) as versions
                """)
                .query((rs, n) -> {
                    Map<String, Long> m = new TreeMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        m.put(rs.getMetaData().getColumnLabel(i), rs.getLong(i));
                    }
                    return m;
                })
                .single());
    }

    static long boardId(JdbcClient jdbc, long workspaceId, String name) {
        return jdbc.sql("select id from boards where workspace_id = :ws and name = :name order by id limit 1")
                .param("ws", workspaceId)
                .param("name", name)
                .query(Long.class)
                .single();
    }

    /** The tasks of a board in board order, each as the fields an import or export must keep. */
    static List<Map<String, Object>> tasks(JdbcClient jdbc, long boardId) {
        return jdbc.sql("""
                select c.name as column_name, t.title, t.description, t.status, t.cancel_reason, t.priority, t.epic, t.owner,
                       t.assignee, t.occurrence_count, t.created_at, t.completed_at, t.due_date, t.metadata::text as metadata,
                       array_to_string(array(select g.name from task_tags tt join tags g on g.id = tt.tag_id
                                             where tt.task_id = t.id order by g.name), ',') as tags
                from tasks t join board_columns c on c.id = t.column_id
                where t.board_id = :board order by c.position, t.position
                """)
                .param("board", boardId)
                .query((rs, n) -> {
                    Map<String, Object> m = new TreeMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        m.put(rs.getMetaData().getColumnLabel(i), v == null ? "∅" : v.toString());
                    }
                    return m;
                })
                .list();
    }
}
