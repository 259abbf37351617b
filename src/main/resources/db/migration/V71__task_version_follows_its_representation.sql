-- A task's ETag is its version (SPEC §4), so the version moves whenever what GET /api/v1/tasks/{id}
-- shows moves: otherwise a client that sends If-None-Match with the old ETag gets a 304 and keeps a
-- stale task. The row's own columns already did (tasks_before_write); the parts the view adds to the
-- row did not, or only some of them:
--
--  - tags (tags_json, V62): attached, detached, a tag renamed, recoloured or deleted. V62 kept the version
--    on purpose (tasks_tags_json_not_a_change); now only where the row was written in this transaction.
--  - comment_count: a comment added, deleted or moved to another task (an edit of its text is not in the
--    task's view: no new version).
--  - blocked/blockers, parent_id, subtasks: a relation of kind blocks or parent added or removed (the kinds
--    relates_to and duplicate_of are not in the view); a blocker whose id, board, title or status the
--    blocked task shows changed, or which closed, reopened, went to the trash or came back; a subtask that
--    changed how it counts (completed, cancelled, trashed); a parent that went to the trash or came back.
--  - column: the task's column renamed.
--  - fields: a custom field renamed, moved or deleted (the view shows the values by field name, in order).
--
-- The checklist and the assignees already made a new version (task/Checklists, task/TaskAssignees).
-- overdue and time_in_column_seconds follow the clock, not a change: no version can follow them.
--
-- Once per transaction: a part written in the transaction that created or already changed the task row
-- (a task created with tags, a subtask created under its parent's lock and so on) is part of that
-- change, whose version it has already; a second version would only make the caller's ETag stale. The
-- row's xmin tells: it is the current transaction's id when the transaction wrote the row.
--
-- Bit 256 of view_parts (V57: set with the part, never cleared) marks a task that blocks another one,
-- so that a change of a task that blocks none (nearly all) looks at no relation.

-- Whether the transaction wrote task row T already (its version moved for this transaction's change, or
-- it was created in it).
create function task_written_here(t tasks) returns boolean language plpgsql stable as $$
begin
    return (select v.xmin = pg_current_xact_id()::xid from tasks v where v.id = t.id);
end
$$;

-- A new version of task TASK for a change of a part its view shows, and the part's bit of view_parts
-- (0: none), in one update: unless the transaction wrote the row already (then only the bit).
create function task_part_changed(task bigint, part integer) returns void language plpgsql as $$
begin
    update tasks t set view_parts = t.view_parts | part,
                       version = case when t.xmin = pg_current_xact_id()::xid then t.version else t.version + 1 end
    where t.id = task and (t.view_parts & part <> part or t.xmin <> pg_current_xact_id()::xid);
end
$$;

-- Tags: tags_json written alone keeps the version only where the transaction wrote the row already.
create or replace function tasks_tags_json_not_a_change() returns trigger language plpgsql as $$
begin
    if task_written_here(old) then
        new.version := old.version;
        new.updated_at := old.updated_at;
    end if;
    return new;
end
$$;

-- Comments: their number is in the view, their text is not.
drop trigger comments_mark_task on comments;
create function comments_change_task() returns trigger language plpgsql as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        perform task_part_changed(new.task_id, 1);
    end if;
    if tg_op = 'DELETE' or (tg_op = 'UPDATE' and old.task_id <> new.task_id) then
        perform task_part_changed(old.task_id, 0);
    end if;
    return null;
end
$$;
create trigger comments_change_task after insert or delete or update of task_id on comments
    for each row execute function comments_change_task();

-- Relations: a blocker is shown by the task it blocks while it is open and not in the trash; a parent by
-- its subtask (parent_id) while it is not in the trash; a subtask by its parent's progress while it is
-- not in the trash and not cancelled.
drop trigger task_relations_mark_tasks on task_relations;
drop function task_relations_mark_tasks();
create function task_relation_changed(kind text, from_task bigint, to_task bigint, added boolean)
returns void language plpgsql as $$
begin
    if kind = 'blocks' then
        if added then
            perform mark_task_part(from_task, 256); -- the blocker's own view does not show what it blocks
        end if;
        if exists (select 1 from tasks b where b.id = from_task
                   and b.status in ('pending', 'in_progress') and b.deleted_at is null) then
            perform task_part_changed(to_task, case when added then 4 else 0 end);
        elsif added then
            perform mark_task_part(to_task, 4);
        end if;
    elsif kind = 'parent' then
        if exists (select 1 from tasks p where p.id = from_task and p.deleted_at is null) then
            perform task_part_changed(to_task, case when added then 8 else 0 end);
        elsif added then
            perform mark_task_part(to_task, 8);
        end if;
        if exists (select 1 from tasks s where s.id = to_task and s.deleted_at is null and s.status <> 'cancelled') then
            perform task_part_changed(from_task, case when added then 16 else 0 end);
        elsif added then
            perform mark_task_part(from_task, 16);
        end if;
    end if;
end
$$;
create function task_relations_change_tasks() returns trigger language plpgsql as $$
begin
    if tg_op in ('DELETE', 'UPDATE') then
        perform task_relation_changed(old.kind, old.from_task_id, old.to_task_id, false);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform task_relation_changed(new.kind, new.from_task_id, new.to_task_id, true);
    end if;
    return null;
end
$$;
create trigger task_relations_change_tasks after insert or delete or update of kind, from_task_id, to_task_id
    on task_relations for each row execute function task_relations_change_tasks();

-- A task the view of another task shows changed as that view shows it (bits 8, 16, 256 say it may be
-- shown: a subtask, a parent, a blocker). Only when one of the columns shown changed (the WHEN clause):
-- a move within the same status, a claim or a text change of a task that is none of these runs nothing.
create function tasks_change_related() returns trigger language plpgsql as $$
declare
    was_open boolean := old.status in ('pending', 'in_progress') and old.deleted_at is null;
    is_open boolean := new.status in ('pending', 'in_progress') and new.deleted_at is null;
    r record;
begin
    if new.view_parts & 256 <> 0 and (was_open or is_open) then
        for r in select x.to_task_id from task_relations x where x.kind = 'blocks' and x.from_task_id = new.id loop
            perform task_part_changed(r.to_task_id, 0);
        end loop;
    end if;
    if new.view_parts & 8 <> 0
       and ((old.deleted_at is null and old.status <> 'cancelled') or (new.deleted_at is null and new.status <> 'cancelled'))
       and (old.deleted_at is distinct from new.deleted_at
            or (old.status = 'completed') <> (new.status = 'completed')
            or (old.status = 'cancelled') <> (new.status = 'cancelled')) then
        for r in select x.from_task_id from task_relations x where x.kind = 'parent' and x.to_task_id = new.id loop
            perform task_part_changed(r.from_task_id, 0);
        end loop;
    end if;
    if new.view_parts & 16 <> 0 and old.deleted_at is distinct from new.deleted_at then
        for r in select x.to_task_id from task_relations x where x.kind = 'parent' and x.from_task_id = new.id loop
            perform task_part_changed(r.to_task_id, 0);
        end loop;
    end if;
    return null;
end
$$;
create trigger tasks_change_related after update on tasks
    for each row when (new.view_parts & (8 | 16 | 256) <> 0
                       and (old.status is distinct from new.status or old.title is distinct from new.title
                            or old.board_id is distinct from new.board_id
                            or old.deleted_at is distinct from new.deleted_at))
    execute function tasks_change_related();

-- A column renamed: its tasks show its name (archived ones too: they keep their column).
create function board_columns_rename_tasks() returns trigger language plpgsql as $$
begin
    update tasks t set version = t.version + 1
    where t.column_id = new.id and t.xmin <> pg_current_xact_id()::xid;
    return null;
end
$$;
create trigger board_columns_rename_tasks after update of name on board_columns
    for each row when (old.name is distinct from new.name) execute function board_columns_rename_tasks();

-- A custom field renamed, moved or deleted: the tasks holding a value of it show its name, in order.
create function custom_fields_change_tasks() returns trigger language plpgsql as $$
begin
    update tasks t set version = t.version + 1
    where t.board_id = old.board_id and t.custom_fields ? old.id::text and t.xmin <> pg_current_xact_id()::xid;
    return null;
end
$$;
create trigger custom_fields_change_tasks after update of name, position on custom_fields
    for each row when (old.name is distinct from new.name or old.position is distinct from new.position)
    execute function custom_fields_change_tasks();
create trigger custom_fields_delete_tasks after delete on custom_fields
    for each row execute function custom_fields_change_tasks();

-- The blockers' bit for the relations there are (row-level security lifted for the backfill only, V57).
alter table tasks no force row level security;
alter table task_relations no force row level security;
update tasks t set view_parts = t.view_parts | 256
where exists (select 1 from task_relations r where r.kind = 'blocks' and r.from_task_id = t.id)
  and t.view_parts & 256 = 0;
alter table tasks force row level security;
alter table task_relations force row level security;
