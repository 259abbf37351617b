package dev.agentkanban.template;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** SQL of the saved board templates (V28_1). Every statement is workspace-scoped. */
@Repository
class TemplateRepository {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    TemplateRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    List<BoardTemplate> list(long ws) {
        return jdbc.sql("""
                select id, name, description, content::text as content, created_by, created_at
                from board_templates where workspace_id = :ws order by lower(name), id
                """).param("ws", ws).query(this::template).list();
    }

    Optional<BoardTemplate> find(long ws, long id) {
        return jdbc.sql("""
                select id, name, description, content::text as content, created_by, created_at
                from board_templates where workspace_id = :ws and id = :id
                """)
                .param("ws", ws)
                .param("id", id)
                .query(this::template)
                .optional();
    }

    boolean nameTaken(long ws, String name) {
        return jdbc.sql(
                        "select exists (select 1 from board_templates where workspace_id = :ws and lower(name) = lower(:n))")
                .param("ws", ws)
                .param("n", name)
                .query(Boolean.class)
                .single();
    }

    long insert(long ws, String name, String description, TemplateContent content, String actor) {
        return jdbc.sql("""
                insert into board_templates (workspace_id, name, description, content, created_by)
                values (:ws, :name, :description, cast(:content as jsonb), :actor) returning id
                """)
                .param("ws", ws)
                .param("name", name)
                .param("description", description)
                .param("content", json.writeValueAsString(content))
                .param("actor", actor)
                .query(Long.class)
                .single();
    }

    int delete(long ws, long id) {
        return jdbc.sql("delete from board_templates where workspace_id = :ws and id = :id")
                .param("ws", ws)
                .param("id", id)
                .update();
    }

    private BoardTemplate template(ResultSet rs, int n) throws SQLException {
        return new BoardTemplate(
                Long.toString(rs.getLong("id")),
                rs.getString("name"),
                rs.getString("description"),
                false,
                json.readValue(rs.getString("content"), TemplateContent.class),
                rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant());
    }
}
