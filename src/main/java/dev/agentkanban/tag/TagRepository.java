package dev.agentkanban.tag;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for tags and task_tags. Every statement is scoped to a workspace; tag order is by name, ignoring case. */
@Repository
class TagRepository {

    /** A tag with the number of tasks carrying it; one in the trash is not counted (it is gone for the user). */
    private static final String SUMMARY = """
            select t.id, t.name, t.color, t.created_at,
                   (select count(*) from task_tags tt join tasks k on k.id = tt.task_id
                    where tt.tag_id = t.id and k.deleted_at is null) as task_count
            from tags t
            """;

    private final JdbcClient jdbc;

    TagRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<TagSummary> summaries(long workspaceId) {
        return jdbc.sql(SUMMARY + " where t.workspace_id = :ws order by lower(t.name), t.id")
                .param("ws", workspaceId)
                .query(TagRepository::summary)
                .list();
    }

    Optional<TagSummary> summary(long workspaceId, long id) {
        return jdbc.sql(SUMMARY + " where t.workspace_id = :ws and t.id = :id")
                .param("ws", workspaceId)
                .param("id", id)
                .query(TagRepository::summary)
                .optional();
    }

    Optional<Tag> find(long workspaceId, long id, boolean forUpdate) {
        return jdbc.sql("select id, name, color from tags where workspace_id = :ws and id = :id"
                        + (forUpdate ? " for update" : ""))
                .param("ws", workspaceId)
                .param("id", id)
                .query(TagRepository::tag)
                .optional();
    }

    List<Tag> findAll(long workspaceId, Collection<Long> ids) {
        return jdbc.sql(
                        "select id, name, color from tags where workspace_id = :ws and id = any(:ids) order by lower(name), id")
                .param("ws", workspaceId)
                .param("ids", ids.toArray(Long[]::new))
                .query(TagRepository::tag)
                .list();
    }

    Optional<Tag> findByName(long workspaceId, String name) {
        return jdbc.sql("select id, name, color from tags where workspace_id = :ws and lower(name) = lower(:name)")
                .param("ws", workspaceId)
                .param("name", name)
                .query(TagRepository::tag)
                .optional();
    }

    /** Inserts the tag; a name taken (ignoring case) raises a DuplicateKeyException. */
    long insert(long workspaceId, String name, String color) {
        return jdbc.sql("insert into tags (workspace_id, name, color) values (:ws, :name, :color) returning id")
                .param("ws", workspaceId)
                .param("name", name)
                .param("color", color)
                .query(Long.class)
                .single();
    }

    /** The tag with this name (ignoring case), created with the default colour if missing; safe against a concurrent create. */
    Tag findOrCreate(long workspaceId, String name) {
        Optional<Tag> created = jdbc.sql("""
                insert into tags (workspace_id, name) values (:ws, :name)
                on conflict (workspace_id, lower(name)) do nothing
                returning id, name, color
                """)
                .param("ws", workspaceId)
                .param("name", name)
                .query(TagRepository::tag)
                .optional();
        return created.or(() -> findByName(workspaceId, name)).orElseThrow();
    }

    /** Makes the workspace's tag of this name (ignoring case) exactly this: its spelling, colour and creation time. */
    long put(long workspaceId, String name, String color, Instant createdAt) {
        return jdbc.sql("""
                insert into tags (workspace_id, name, color, created_at) values (:ws, :name, :color, coalesce(:createdAt, now()))
                on conflict (workspace_id, lower(name))
                do update set name = excluded.name, color = excluded.color, created_at = excluded.created_at
                returning id
                """)
                .param("ws", workspaceId)
                .param("name", name)
                .param("color", color)
                .param("createdAt", createdAt == null ? null : createdAt.atOffset(ZoneOffset.UTC))
                .query(Long.class)
                .single();
    }

    /** Removes the workspace's tags but these (a restore: no task carries them yet). */
    int deleteAllExcept(long workspaceId, List<Long> keep) {
        return jdbc.sql("delete from tags where workspace_id = :ws and id <> all(:keep)")
                .param("ws", workspaceId)
                .param("keep", keep.toArray(Long[]::new))
                .update();
    }

    int update(long workspaceId, long id, String name, String color) {
        return jdbc.sql("update tags set name = :name, color = :color where workspace_id = :ws and id = :id")
                .param("ws", workspaceId)
                .param("id", id)
                .param("name", name)
                .param("color", color)
                .update();
    }

    /**
     * Renames (and recolours) the tag and writes a {@code tags_changed} history row for each task carrying
     * it (its tag names before and after, comma-joined in name order, as an attach or a delete writes
     * them), in one statement whatever the number of tasks: the insert reads the tags as they were before
     * the update, and puts the new name in place of the old one. Answers the ids of those tasks.
     */
    List<Long> renameRecordingHistory(long workspaceId, long tagId, String name, String color, String actor) {
        return jdbc.sql("""
                with history as (
                    insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor)
                    select t.workspace_id, t.board_id, t.id, 'tags_changed', 'tags',
                           string_agg(g.name, ',' order by lower(g.name), g.id),
                           string_agg(n.name, ',' order by lower(n.name), g.id),
                           :actor
                    from task_tags mine
                    join tasks t on t.id = mine.task_id
                    join task_tags tt on tt.task_id = t.id
                    join tags g on g.id = tt.tag_id
                    cross join lateral (select case when g.id = :tag then cast(:name as text) else g.name end) as n (name)
                    where mine.workspace_id = :ws and mine.tag_id = :tag
                    group by t.workspace_id, t.board_id, t.id
                    order by t.id
                    returning task_id
                ), renamed as (
                    update tags set name = :name, color = :color where workspace_id = :ws and id = :tag
                )
                select task_id from history order by task_id
                """)
                .param("ws", workspaceId)
                .param("tag", tagId)
                .param("name", name)
                .param("color", color)
                .param("actor", actor)
                .query(Long.class)
                .list();
    }

    /** The ids of the tasks carrying a tag, in one query. */
    List<Long> taskIdsTagged(long workspaceId, long tagId) {
        return jdbc.sql("select tt.task_id from task_tags tt where tt.workspace_id = :ws and tt.tag_id = :tag")
                .param("ws", workspaceId)
                .param("tag", tagId)
                .query(Long.class)
                .list();
    }

    /**
     * Deletes the tag, which takes it off every task (task_tags by cascade), and writes each such task's
     * {@code tags_changed} history row (its tag names before and after, comma-joined), in one statement
     * whatever the number of tasks (both parts read the tags as they were before it). Answers the ids of
     * those tasks.
     */
    List<Long> deleteRecordingHistory(long workspaceId, long tagId, String actor) {
        return jdbc.sql("""
                with history as (
                    insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor)
                    select t.workspace_id, t.board_id, t.id, 'tags_changed', 'tags',
                           string_agg(g.name, ',' order by lower(g.name), g.id),
                           coalesce(string_agg(g.name, ',' order by lower(g.name), g.id) filter (where g.id <> :tag), ''),
                           :actor
                    from task_tags mine
                    join tasks t on t.id = mine.task_id
                    join task_tags tt on tt.task_id = t.id
                    join tags g on g.id = tt.tag_id
                    where mine.workspace_id = :ws and mine.tag_id = :tag
                    group by t.workspace_id, t.board_id, t.id
                    order by t.id
                    returning task_id
                ), gone as (
                    delete from tags where workspace_id = :ws and id = :tag
                )
                select task_id from history order by task_id
                """)
                .param("ws", workspaceId)
                .param("tag", tagId)
                .param("actor", actor)
                .query(Long.class)
                .list();
    }

    /** The tags of each task, in one query; every requested task is a key (an empty list when untagged). */
    Map<Long, List<Tag>> tagsOf(long workspaceId, Collection<Long> taskIds) {
        Map<Long, List<Tag>> result = new LinkedHashMap<>();
        taskIds.forEach(id -> result.put(id, new ArrayList<>()));
        if (taskIds.isEmpty()) {
            return result;
        }
        jdbc.sql("""
                select tt.task_id, t.id, t.name, t.color from task_tags tt join tags t on t.id = tt.tag_id
                where tt.workspace_id = :ws and tt.task_id = any(:ids)
                order by tt.task_id, lower(t.name), t.id
                """)
                .param("ws", workspaceId)
                .param("ids", taskIds.toArray(Long[]::new))
                .query((RowCallbackHandler)
                        rs -> result.get(rs.getLong("task_id")).add(tag(rs, 0)));
        result.replaceAll((id, tags) -> List.copyOf(tags));
        return result;
    }

    List<Tag> tagsOf(long workspaceId, long taskId) {
        return jdbc.sql("""
                select t.id, t.name, t.color from task_tags tt join tags t on t.id = tt.tag_id
                where tt.workspace_id = :ws and tt.task_id = :task order by lower(t.name), t.id
                """)
                .param("ws", workspaceId)
                .param("task", taskId)
                .query(TagRepository::tag)
                .list();
    }

    /** Attaches a tag to a task; 0 when it was attached already. */
    int attach(long workspaceId, long taskId, long tagId) {
        return jdbc.sql("""
                insert into task_tags (task_id, tag_id, workspace_id) values (:task, :tag, :ws)
                on conflict do nothing
                """)
                .param("ws", workspaceId)
                .param("task", taskId)
                .param("tag", tagId)
                .update();
    }

    int detach(long workspaceId, long taskId, long tagId) {
        return jdbc.sql("delete from task_tags where workspace_id = :ws and task_id = :task and tag_id = :tag")
                .param("ws", workspaceId)
                .param("task", taskId)
                .param("tag", tagId)
                .update();
    }

    private static Tag tag(ResultSet rs, int n) throws SQLException {
        return new Tag(rs.getLong("id"), rs.getString("name"), rs.getString("color"));
    }

    private static TagSummary summary(ResultSet rs, int n) throws SQLException {
        return new TagSummary(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getString("color"),
                rs.getLong("task_count"),
                rs.getTimestamp("created_at").toInstant());
    }
}
