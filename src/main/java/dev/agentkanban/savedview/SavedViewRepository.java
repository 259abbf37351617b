package dev.agentkanban.savedview;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** SQL of the saved views; every statement is scoped to the workspace. */
@Repository
class SavedViewRepository {

    private static final String COLUMNS = """
            id, board_id, name, owner, shared, filters::text as filters, created_at, updated_at,
            owner = :me as mine""";
    private static final TypeReference<Map<String, String>> FILTERS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    SavedViewRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The caller's views of the board and the shared ones, by name. */
    List<SavedView> visible(long ws, long boardId, String me) {
        return jdbc.sql("select " + COLUMNS + """
                 from saved_views where workspace_id = :ws and board_id = :b and (owner = :me or shared)
                order by lower(name), id
                """)
                .param("ws", ws)
                .param("b", boardId)
                .param("me", me)
                .query(this::view)
                .list();
    }

    /** The view when the caller may see it (their own, or shared). */
    Optional<SavedView> find(long ws, long id, String me) {
        return jdbc.sql("select " + COLUMNS
                        + " from saved_views where workspace_id = :ws and id = :id and (owner = :me or shared)")
                .param("ws", ws)
                .param("id", id)
                .param("me", me)
                .query(this::view)
                .optional();
    }

    boolean nameTaken(long boardId, String owner, String name, long exceptId) {
        return jdbc.sql("select exists (select 1 from saved_views where board_id = :b and owner = :o"
                        + " and lower(name) = lower(:n) and id <> :id)")
                .param("b", boardId)
                .param("o", owner)
                .param("n", name)
                .param("id", exceptId)
                .query(Boolean.class)
                .single();
    }

    SavedView insert(long ws, long boardId, String owner, String name, Map<String, String> filters, boolean shared) {
        return jdbc.sql("""
                insert into saved_views (workspace_id, board_id, owner, name, filters, shared)
                values (:ws, :b, :me, :name, cast(:filters as jsonb), :shared)
                returning\s""" + COLUMNS)
                .param("ws", ws)
                .param("b", boardId)
                .param("me", owner)
                .param("name", name)
                .param("filters", json.writeValueAsString(filters))
                .param("shared", shared)
                .query(this::view)
                .single();
    }

    SavedView update(long ws, SavedView v, String me) {
        return jdbc.sql("""
                update saved_views set name = :name, filters = cast(:filters as jsonb), shared = :shared, updated_at = now()
                where workspace_id = :ws and id = :id
                returning\s""" + COLUMNS)
                .param("ws", ws)
                .param("id", v.id())
                .param("name", v.name())
                .param("filters", json.writeValueAsString(v.filters()))
                .param("shared", v.shared())
                .param("me", me)
                .query(this::view)
                .single();
    }

    void delete(long ws, long id) {
        jdbc.sql("delete from saved_views where workspace_id = :ws and id = :id")
                .param("ws", ws)
                .param("id", id)
                .update();
    }

    private SavedView view(ResultSet rs, int n) throws SQLException {
        return new SavedView(
                rs.getLong("id"),
                rs.getLong("board_id"),
                rs.getString("name"),
                rs.getString("owner"),
                rs.getBoolean("shared"),
                rs.getBoolean("mine"),
                json.readValue(rs.getString("filters"), FILTERS),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }

    private static java.time.Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
