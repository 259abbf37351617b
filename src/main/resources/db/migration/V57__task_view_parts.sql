-- Issue #19: one task's read (a get, or the view a write answers) no longer runs the eight parts of its
-- view (comment count, tags, blockers, parent, subtasks, checklist, custom fields, assignees) as eight
-- lateral subqueries. PostgreSQL initialises every node of a statement's plan on every execution, the
-- parts' ~40 nodes included, whether they find rows or not: three quarters of a get's backend CPU
-- (docs/benchmarks.md, "Only the parts a task has"). Instead:
--
--  - tasks.view_parts says which parts a task may have, one bit each (below). A bit is set in the same
--    transaction as the row that makes the part non-empty (by the triggers below, or for the assignees
--    by tasks_before_write), and never cleared: a set bit means "look", a clear bit means "certainly
--    empty". So a read never misses a part, and a bit needs no upkeep when a part empties again.
--  - task_parts() reads only the parts whose bit is set (PL/pgSQL: a statement not run costs nothing),
--    with the caller's snapshot and row-level security (stable, security invoker).
--  - The many-rows view (lists, board state) keeps its parts read once for all rows, each now only over
--    the rows whose bit is set.
--
-- Bits: 1 comments, 2 tags, 4 blockers (the task is the to_task of a 'blocks' relation), 8 parent (the
-- to_task of a 'parent' relation), 16 subtasks (the from_task of a 'parent' relation), 32 checklist
-- items, 64 assignees. Custom field values are on the row itself (custom_fields <> '{}').

alter table tasks add column view_parts integer not null default 0;

-- A change of view_parts alone is not a change of the task (no new version, no new updated_at), like a
-- pure reorder. A named assignee may become an assignee row (tasks_sync_assignees): its bit is set here,
-- on the row being written, rather than by a second update of it from task_assignees' trigger.
create or replace function tasks_before_write() returns trigger language plpgsql as $$
declare
    probe tasks;
begin
    if tg_op = 'INSERT' then
        new.created_at := coalesce(new.created_at, now());
        new.updated_at := new.created_at;
        new.column_entered_at := coalesce(new.column_entered_at, now());
        new.version := 1;
        if new.status = 'completed' then
            new.completed_at := coalesce(new.completed_at, now());
        else
            new.completed_at := null;
        end if;
        if new.assignee is not null then
            new.view_parts := new.view_parts | 64;
        end if;
        return new;
    end if;
    -- a pure reorder (position only) is not a change of the task: no new version, no new updated_at
    probe := new;
    probe.position := old.position;
    probe.view_parts := old.view_parts;
    probe.search := old.search; -- generated columns are not computed yet in a BEFORE trigger
    if probe is not distinct from old then
        return new;
    end if;
    new.updated_at := now();
    new.version := old.version + 1;
    if new.column_id is distinct from old.column_id then
        new.column_entered_at := now();
    end if;
    if new.status = 'completed' and old.status is distinct from 'completed' then
        new.completed_at := coalesce(new.completed_at, now());
    elsif new.status <> 'completed' then
        new.completed_at := null;
    end if;
    if new.assignee is not null and new.assignee is distinct from old.assignee then
        new.view_parts := new.view_parts | 64;
    end if;
    return new;
end
$$;

-- Sets the bit PART on task TASK unless set (then only an index probe). As the caller: row-level
-- security lets it reach the tasks of the workspace the part's row was written in, which is the task's.
-- PL/pgSQL, which keeps the statement's plan (PostgreSQL 15 plans a SQL function's body at every call, V56).
create function mark_task_part(task bigint, part integer) returns void language plpgsql as $$
begin
    update tasks t set view_parts = t.view_parts | part where t.id = task and t.view_parts & part = 0;
end
$$;

-- The parts whose rows name their task by task_id: the bit is the trigger's argument.
create function mark_task_part_of_row() returns trigger language plpgsql as $$
begin
    perform mark_task_part(new.task_id, tg_argv[0]::integer);
    return null;
end
$$;
create trigger comments_mark_task after insert or update of task_id on comments
    for each row execute function mark_task_part_of_row(1);
create trigger task_tags_mark_task after insert or update of task_id on task_tags
    for each row execute function mark_task_part_of_row(2);
create trigger checklist_items_mark_task after insert or update of task_id on checklist_items
    for each row execute function mark_task_part_of_row(32);
create trigger task_assignees_mark_task after insert or update of task_id on task_assignees
    for each row execute function mark_task_part_of_row(64);

-- A relation is a part of both its tasks' views, by its kind.
create function task_relations_mark_tasks() returns trigger language plpgsql as $$
begin
    if new.kind = 'blocks' then
        perform mark_task_part(new.to_task_id, 4);
    elsif new.kind = 'parent' then
        perform mark_task_part(new.to_task_id, 8);
        perform mark_task_part(new.from_task_id, 16);
    end if;
    return null;
end
$$;
create trigger task_relations_mark_tasks after insert or update of kind, from_task_id, to_task_id on task_relations
    for each row execute function task_relations_mark_tasks();

-- The parts of one task, as the view shows them (TaskQueries): each read only where view_parts says
-- the task may have it. The same statements as the many-rows view's parts, for one id.
create function task_parts(task_id bigint, parts integer, board_id bigint, custom_fields jsonb,
    out comment_count bigint, out tags text, out blockers text, out parent_id bigint,
    out subtasks_done bigint, out subtasks_total bigint, out items_done bigint, out items_total bigint,
    out assignees text, out fields text)
language plpgsql stable as $$
begin
    if parts & 1 <> 0 then
        select count(*) into comment_count from comments m where m.task_id = task_parts.task_id;
    end if;
    if parts & 2 <> 0 then
        select '[' || string_agg('{"id":' || g.id || ',"name":' || api_json_string(g.name)
                                 || ',"color":' || api_json_string(g.color) || '}', ','
                                 order by lower(g.name), g.id) || ']'
        into tags
        from task_tags tt join tags g on g.id = tt.tag_id where tt.task_id = task_parts.task_id;
    end if;
    if parts & 4 <> 0 then
        select '[' || string_agg('{"id":' || b.id || ',"board_id":' || b.board_id
                                 || ',"title":' || api_json_string(b.title)
                                 || ',"status":' || api_json_string(b.status) || '}', ',' order by b.id) || ']'
        into blockers
        from task_relations r join tasks b on b.id = r.from_task_id
        where r.to_task_id = task_parts.task_id and r.kind = 'blocks'
          and b.status in ('pending', 'in_progress') and b.deleted_at is null;
    end if;
    if parts & 8 <> 0 then
        select r.from_task_id into parent_id
        from task_relations r join tasks p on p.id = r.from_task_id
        where r.to_task_id = task_parts.task_id and r.kind = 'parent' and p.deleted_at is null;
    end if;
    if parts & 16 <> 0 then
        select count(*) filter (where s.status = 'completed'), count(*) filter (where s.status <> 'cancelled')
        into subtasks_done, subtasks_total
        from task_relations r join tasks s on s.id = r.to_task_id
        where r.from_task_id = task_parts.task_id and r.kind = 'parent' and s.deleted_at is null;
    end if;
    if parts & 32 <> 0 then
        select count(*) filter (where i.done), count(*) into items_done, items_total
        from checklist_items i where i.task_id = task_parts.task_id;
    end if;
    if custom_fields <> '{}'::jsonb then
        select json_object_agg(f.name, task_parts.custom_fields -> f.id::text order by f.position, f.id)::text
        into fields
        from custom_fields f
        where f.board_id = task_parts.board_id and task_parts.custom_fields -> f.id::text is not null;
    end if;
    if parts & 64 <> 0 then
        select '[' || string_agg(api_json_string(u.username), ',' order by a.added_at, u.username) || ']'
        into assignees
        from task_assignees a join users u on u.id = a.user_id where a.task_id = task_parts.task_id;
    end if;
end
$$;

-- The bits of the tasks that have parts now. Row-level security is forced on these tables, also for
-- their owner (who runs the migrations, and is not always a superuser): lifted for the backfill only.
alter table tasks no force row level security;
alter table comments no force row level security;
alter table task_tags no force row level security;
alter table task_relations no force row level security;
alter table checklist_items no force row level security;
alter table task_assignees no force row level security;

update tasks t set view_parts = p.bits
from (
    select x.id, bit_or(x.bit) as bits
    from (
        select m.task_id as id, 1 as bit from comments m
        union all select tt.task_id, 2 from task_tags tt
        union all select r.to_task_id, 4 from task_relations r where r.kind = 'blocks'
        union all select r.to_task_id, 8 from task_relations r where r.kind = 'parent'
        union all select r.from_task_id, 16 from task_relations r where r.kind = 'parent'
        union all select i.task_id, 32 from checklist_items i
        union all select a.task_id, 64 from task_assignees a
    ) x
    group by x.id
) p
where t.id = p.id;

alter table tasks force row level security;
alter table comments force row level security;
alter table task_tags force row level security;
alter table task_relations force row level security;
alter table checklist_items force row level security;
alter table task_assignees force row level security;
