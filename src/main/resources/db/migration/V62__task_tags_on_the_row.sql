-- Issue #19: a task's tags, as the view shows them (a JSON array of {id, name, color} in the order of
-- their names), are kept on the task row (tasks.tags_json; null when it has none), so that neither one
-- task's read (task_parts) nor a list's (task_list_parts) reads task_tags and tags: the tags part was
-- about a third of what the parts cost a list, and 4 in 10 of the benchmark's tasks have tags
-- (docs/benchmarks.md, "The tags on the task row").
--
-- The JSON is written in the transaction that changes what it shows, by triggers: a tag attached or
-- detached (task_tags), a tag renamed or recoloured, a tag deleted (its task_tags rows go by cascade).
-- So a read never sees stale tags. Like view_parts (V57), a change of tags_json alone is not a change of
-- the task (no new version, no new updated_at): attaching a tag did not change the task's version before.
-- The writes of the task row (create, move, update) do not touch tags: their trigger is unchanged.
--
-- Also for the reads' parts: the assignees' bit of view_parts is no longer set by a name that is no
-- member's (no assignee row can follow it), and the list's task_list_parts() is estimated at 10 rows.

alter table tasks add column tags_json text;

-- The tags' JSON of task TASK now, as the view showed it when it read the tags per read.
create function task_tags_json(task bigint) returns text language plpgsql stable as $$
begin
    return (select '[' || string_agg('{"id":' || g.id || ',"name":' || api_json_string(g.name)
                                     || ',"color":' || api_json_string(g.color) || '}', ','
                                     order by lower(g.name), g.id) || ']'
            from task_tags tt join tags g on g.id = tt.tag_id where tt.task_id = task);
end
$$;

-- Writes the tags' JSON of task TASK, unless it is already that (several tags attached in one statement
-- fire one trigger each, and each sees them all). As the caller: row-level security lets it reach the
-- tasks of the workspace the tag rows were written in, which is theirs.
create function task_tags_write(task bigint) returns void language plpgsql as $$
begin
    update tasks t set tags_json = j.tags
    from (select task_tags_json(task) as tags) j
    where t.id = task and t.tags_json is distinct from j.tags;
end
$$;

create function task_tags_rewrite_task() returns trigger language plpgsql as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        perform task_tags_write(new.task_id);
    end if;
    if tg_op = 'DELETE' or (tg_op = 'UPDATE' and old.task_id <> new.task_id) then
        perform task_tags_write(old.task_id);
    end if;
    return null;
end
$$;
create trigger task_tags_rewrite_task after insert or delete or update of task_id, tag_id on task_tags
    for each row execute function task_tags_rewrite_task();

-- A tag renamed or recoloured: the JSON of every task carrying it.
create function tags_rewrite_tasks() returns trigger language plpgsql as $$
begin
    update tasks t set tags_json = task_tags_json(t.id)
    where t.id in (select tt.task_id from task_tags tt where tt.tag_id = new.id);
    return null;
end
$$;
create trigger tags_rewrite_tasks after update of name, color on tags
    for each row when (old.name is distinct from new.name or old.color is distinct from new.color)
    execute function tags_rewrite_tasks();

-- A statement writing tags_json writes nothing else (the functions above): it keeps the task's version
-- and updated_at, which tasks_before_write (fired first: triggers fire in name order) has moved on. A
-- trigger of its own, fired only by statements naming tags_json, so that the writes of the task row do
-- not pay for it.
create function tasks_tags_json_not_a_change() returns trigger language plpgsql as $$
begin
    new.version := old.version;
    new.updated_at := old.updated_at;
    return new;
end
$$;
create trigger tasks_tags_json_not_a_change before update of tags_json on tasks
    for each row execute function tasks_tags_json_not_a_change();

-- The tags' bit of view_parts (2) is no longer read, nor set.
drop trigger task_tags_mark_task on task_tags;

-- The assignees' bit (64) only where an assignee row may exist. tasks_before_write (V57) sets it for any
-- named assignee, so that naming a member (whose row tasks_sync_assignees then writes) does not update
-- the row again; but a name that is no member's (free text: 3 in 10 of the benchmark's tasks) writes no
-- row, and every read of the task ran the assignees' part for nothing. A new task's bit is cleared again
-- here, after tasks_before_write (triggers fire in name order), when its name is no member's (a row the
-- assignee API writes later sets it through task_assignees' trigger). Not on updates: a trigger on
-- updates of the assignee cost every update of the service (which sets every column) about 22,000
-- instructions (1.2 %), its WHEN clause read and planned in every statement; a task renamed to a
-- free-text assignee keeps the bit ("may have"), as before.
create function tasks_named_assignee_part() returns trigger language plpgsql as $$
begin
    if member_for_name(new.workspace_id, new.assignee) is null then
        new.view_parts := new.view_parts & ~64;
    end if;
    return new;
end
$$;
create trigger tasks_named_assignee_part before insert on tasks
    for each row when (new.assignee is not null) execute function tasks_named_assignee_part();

-- The parts without the tags (V57, V60: otherwise the same statements).
drop function task_parts(bigint, integer, bigint, jsonb);
create function task_parts(task_id bigint, parts integer, board_id bigint, custom_fields jsonb,
    out comment_count bigint, out blockers text, out parent_id bigint,
    out subtasks_done bigint, out subtasks_total bigint, out items_done bigint, out items_total bigint,
    out assignees text, out fields text)
language plpgsql stable as $$
begin
    if parts & 1 <> 0 then
        select count(*) into comment_count from comments m where m.task_id = task_parts.task_id;
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

-- The list's parts also return few rows (a row per part a task has; most pages have few parts or none):
-- estimated at the default 1,000 rows, PostgreSQL hashed the page's wide rows to join them to the parts
-- (copying each row once more) instead of hashing the parts' rows.
drop function task_list_parts(bigint[], integer[]);
create function task_list_parts(ids bigint[], parts integer[],
    out task_id bigint, out comment_count bigint, out blockers text, out parent_id bigint,
    out subtasks_done bigint, out subtasks_total bigint, out items_done bigint, out items_total bigint,
    out assignees text, out fields text)
returns setof record language plpgsql stable rows 10 as $$
declare
    present integer;
begin
    select bit_or(x.p) into present from unnest(parts) x(p);
    if present is null or present = 0 then
        return;
    end if;
    if present & 1 <> 0 then
        return query
        select m.task_id, count(*), null::text, null::bigint, null::bigint, null::bigint, null::bigint,
               null::bigint, null::text, null::text
        from comments m
        where m.task_id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 1 <> 0))
        group by m.task_id;
    end if;
    if present & 4 <> 0 then
        return query
        select r.to_task_id, null::bigint,
               '[' || string_agg('{"id":' || b.id || ',"board_id":' || b.board_id
                                 || ',"title":' || api_json_string(b.title)
                                 || ',"status":' || api_json_string(b.status) || '}', ',' order by b.id) || ']',
               null::bigint, null::bigint, null::bigint, null::bigint, null::bigint, null::text, null::text
        from task_relations r join tasks b on b.id = r.from_task_id
        where r.to_task_id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 4 <> 0))
          and r.kind = 'blocks' and b.status in ('pending', 'in_progress') and b.deleted_at is null
        group by r.to_task_id;
    end if;
    if present & 8 <> 0 then
        return query
        select r.to_task_id, null::bigint, null::text, r.from_task_id, null::bigint, null::bigint,
               null::bigint, null::bigint, null::text, null::text
        from task_relations r join tasks p on p.id = r.from_task_id
        where r.to_task_id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 8 <> 0))
          and r.kind = 'parent' and p.deleted_at is null;
    end if;
    if present & 16 <> 0 then
        return query
        select r.from_task_id, null::bigint, null::text, null::bigint,
               count(*) filter (where s.status = 'completed'), count(*) filter (where s.status <> 'cancelled'),
               null::bigint, null::bigint, null::text, null::text
        from task_relations r join tasks s on s.id = r.to_task_id
        where r.from_task_id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 16 <> 0))
          and r.kind = 'parent' and s.deleted_at is null
        group by r.from_task_id;
    end if;
    if present & 32 <> 0 then
        return query
        select i.task_id, null::bigint, null::text, null::bigint, null::bigint, null::bigint,
               count(*) filter (where i.done), count(*), null::text, null::text
        from checklist_items i
        where i.task_id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 32 <> 0))
        group by i.task_id;
    end if;
    if present & 64 <> 0 then
        return query
        select a.task_id, null::bigint, null::text, null::bigint, null::bigint, null::bigint,
               null::bigint, null::bigint,
               '[' || string_agg(api_json_string(u.username), ',' order by a.added_at, u.username) || ']', null::text
        from task_assignees a join users u on u.id = a.user_id
        where a.task_id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 64 <> 0))
        group by a.task_id;
    end if;
    if present & 128 <> 0 then
        return query
        select v.id, null::bigint, null::text, null::bigint, null::bigint, null::bigint, null::bigint,
               null::bigint, null::text,
               json_object_agg(f.name, v.custom_fields -> f.id::text order by f.position, f.id)::text
        from tasks v join custom_fields f on f.board_id = v.board_id
        where v.id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 128 <> 0))
          and v.custom_fields -> f.id::text is not null
        group by v.id;
    end if;
end
$$;

-- The tags of existing tasks, their bit cleared (a page whose only part was tags runs no part now), and
-- the assignees' bit cleared where the task has no assignee row.
-- Row-level security is forced on these tables, also for their owner (who runs the migrations, and is
-- not always a superuser): lifted for the backfill only (V57).
alter table tasks no force row level security;
alter table task_tags no force row level security;
alter table tags no force row level security;

alter table task_assignees no force row level security;

update tasks t set tags_json = task_tags_json(t.id),
    view_parts = t.view_parts & ~2
        & case when exists (select 1 from task_assignees a where a.task_id = t.id) then ~0 else ~64 end
where t.view_parts & (2 | 64) <> 0 or exists (select 1 from task_tags tt where tt.task_id = t.id);

alter table tasks force row level security;
alter table task_tags force row level security;
alter table tags force row level security;
alter table task_assignees force row level security;
