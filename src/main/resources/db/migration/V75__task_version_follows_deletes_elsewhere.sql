-- V71 made a task's version (its ETag, SPEC §4) move with every change of what its view shows. Two
-- deletes still changed a task's view and kept its version, so If-None-Match with the old ETag got a 304
-- and the stale task:
--
--  1. A task deleted for good (its board deleted, which deletes its tasks and their relations) that
--     another task showed: an open blocker (blocked/blockers of the task it blocks), a parent not in the
--     trash (parent_id of its subtask), a subtask neither in the trash nor cancelled (its parent's
--     progress). V71's relation trigger decides from the other end's row whether the view showed it,
--     and by the time the cascade deletes the relation that row is gone: no new version. So the task
--     being deleted decides it itself, before its row goes (its status, trash and relations are still
--     there): a new version of each task that showed it, on a board that is not being deleted with it
--     (the rows the deleting statement deletes too are not written: a board's tasks go in one
--     statement, a workspace's boards in one). Purging the trash deletes only tasks in the trash, which
--     no view shows: it runs nothing (the WHEN clause).
--
--  2. An assignee row deleted by its user's deletion (the foreign key's cascade): assignees [..] -> [].
--     Rows deleted by the assignee API (which makes the task's one new version itself, with
--     kanban.assignees_managed on) or by a new assignee name (tasks_sync_assignees, after the row's own
--     new version) make no second one. The user's assignments may be in any workspace: the task is
--     written in its own (row-level security), as workspaces_delete_appended_rows does.

create function tasks_delete_change_related() returns trigger language plpgsql as $$
begin
    update tasks t set version = t.version + 1
    where t.id in (select x.to_task_id from task_relations x
                   where x.kind = 'blocks' and x.from_task_id = old.id
                     and old.view_parts & 256 <> 0 and old.status in ('pending', 'in_progress')
                   union all
                   select x.to_task_id from task_relations x
                   where x.kind = 'parent' and x.from_task_id = old.id and old.view_parts & 16 <> 0
                   union all
                   select x.from_task_id from task_relations x
                   where x.kind = 'parent' and x.to_task_id = old.id
                     and old.view_parts & 8 <> 0 and old.status <> 'cancelled')
      and t.xmin <> pg_current_xact_id()::xid
      and exists (select 1 from boards b where b.id = t.board_id);
    return old;
end
$$;
create trigger tasks_delete_change_related before delete on tasks
    for each row when (old.deleted_at is null and old.view_parts & (8 | 16 | 256) <> 0)
    execute function tasks_delete_change_related();

create function task_assignees_delete_change_task() returns trigger language plpgsql as $$
declare
    previous text := current_setting('kanban.workspace_id', true);
begin
    if coalesce(current_setting('kanban.assignees_managed', true), '') = 'on' then
        return null;
    end if;
    if previous is distinct from old.workspace_id::text then
        perform set_config('kanban.workspace_id', old.workspace_id::text, true);
    end if;
    perform task_part_changed(old.task_id, 0);
    if previous is distinct from old.workspace_id::text then
        perform set_config('kanban.workspace_id', coalesce(previous, ''), true);
    end if;
    return null;
end
$$;
create trigger task_assignees_delete_change_task after delete on task_assignees
    for each row execute function task_assignees_delete_change_task();
