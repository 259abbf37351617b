package dev.agentkanban.field;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** SQL of the custom fields: the definitions, and the workspace's members a member field names. */
@Repository
class FieldRepository {

    private static final String COLUMNS = "id, board_id, name, type, options::text as options, visible, position";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    FieldRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    List<CustomField> ofBoard(long ws, long boardId) {
        return jdbc.sql("select " + COLUMNS
                        + " from custom_fields where workspace_id = :ws and board_id = :b order by position, id")
                .param("ws", ws)
                .param("b", boardId)
                .query(this::field)
                .list();
    }

    Optional<CustomField> find(long ws, long id) {
        return jdbc.sql("select " + COLUMNS + " from custom_fields where workspace_id = :ws and id = :id")
                .param("ws", ws)
                .param("id", id)
                .query(this::field)
                .optional();
    }

    /** Inserts the field at the end of the board's fields unless a position is given. */
    CustomField insert(
            long ws,
            long boardId,
            String name,
            FieldType type,
            List<String> options,
            boolean visible,
            Integer position) {
        return jdbc.sql("""
                insert into custom_fields (workspace_id, board_id, name, type, options, visible, position)
                values (:ws, :b, :name, :type, cast(:options as jsonb), :visible,
                        coalesce(:position, (select coalesce(max(position) + 1, 0) from custom_fields
                                             where board_id = :b)))
                returning\s""" + COLUMNS)
                .param("ws", ws)
                .param("b", boardId)
                .param("name", name)
                .param("type", type.toString())
                .param("options", json.writeValueAsString(options))
                .param("visible", visible)
                .param("position", position)
                .query(this::field)
                .single();
    }

    CustomField update(long ws, CustomField f) {
        return jdbc.sql("""
                update custom_fields set name = :name, options = cast(:options as jsonb), visible = :visible,
                       position = :position
                where workspace_id = :ws and id = :id
                returning\s""" + COLUMNS)
                .param("ws", ws)
                .param("id", f.id())
                .param("name", f.name())
                .param("options", json.writeValueAsString(f.options()))
                .param("visible", f.visible())
                .param("position", f.position())
                .query(this::field)
                .single();
    }

    /**
     * Puts the field at index {@code position} of its board's order (the last index when beyond it) and
     * numbers the board's fields 0, 1, 2, ... in that order, the others keeping theirs: a position is a
     * place in the list, not a sort key that could tie with another field's. Answers the field's index.
     */
    int place(long ws, long boardId, long id, int position) {
        return jdbc.sql("""
                with others as (
                    select f.id, row_number() over (order by f.position, f.id) - 1 as idx
                    from custom_fields f where f.workspace_id = :ws and f.board_id = :b and f.id <> :id),
                placed as (
                    select o.id, case when o.idx < :p then o.idx else o.idx + 1 end as pos from others o
                    union all
                    select :id, least(:p, (select count(*) from others))),
                moved as (
                    update custom_fields f set position = placed.pos
                    from placed
                    where f.workspace_id = :ws and f.id = placed.id and f.position is distinct from placed.pos)
                select pos::int from placed where id = :id
                """)
                .param("ws", ws)
                .param("b", boardId)
                .param("id", id)
                .param("p", position)
                .query(Integer.class)
                .single();
    }

    boolean delete(long ws, long id) {
        return jdbc.sql("delete from custom_fields where workspace_id = :ws and id = :id")
                        .param("ws", ws)
                        .param("id", id)
                        .update()
                == 1;
    }

    boolean nameTaken(long boardId, String name, long exceptId) {
        return jdbc.sql("select exists (select 1 from custom_fields where board_id = :b and lower(name) = lower(:n)"
                        + " and id <> :id)")
                .param("b", boardId)
                .param("n", name)
                .param("id", exceptId)
                .query(Boolean.class)
                .single();
    }

    /** The username of the workspace's enabled member of that name (any case), if there is one. */
    Optional<String> memberName(long ws, String username) {
        return jdbc.sql("""
                select u.username from memberships m join users u on u.id = m.user_id
                where m.workspace_id = :ws and lower(u.username) = lower(:n) and not u.disabled
                """)
                .param("ws", ws)
                .param("n", username)
                .query(String.class)
                .optional();
    }

    private CustomField field(ResultSet rs, int n) throws SQLException {
        return new CustomField(
                rs.getLong("id"),
                rs.getLong("board_id"),
                rs.getString("name"),
                FieldType.fromWire(rs.getString("type")),
                json.readValue(rs.getString("options"), STRINGS),
                rs.getBoolean("visible"),
                rs.getInt("position"));
    }
}
