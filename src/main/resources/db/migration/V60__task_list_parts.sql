-- Issue #19: the many-rows view of tasks (lists, board state) read each of its eight parts (comment
-- count, tags, blockers, parent, subtasks, checklist, custom fields, assignees) as a materialized CTE
-- of its own over the page's ids, hash-joined to the rows: ~60 plan nodes that PostgreSQL set up and ran
-- on every execution, though a page of the benchmark has tags and nothing else (docs/benchmarks.md,
-- "The list's parts in one function"). task_list_parts() runs, for the rows it is given, only the parts
-- that at least one of them may have (V57's view_parts bits), each once for all the rows with its bit,
-- as the many-rows view did: one row per part a task has, the view takes the one value of each column.
--
-- PARTS are the rows' view_parts, with 128 added for a row whose custom_fields are not '{}' (its values
-- are read from the task row by id: the caller's rows are tasks read in the same statement, whose
-- snapshot a stable function shares). The same statements as task_parts() (one id) and as the parts
-- read for many rows before; TaskJsonTest compares a task in a page with the task read alone.
create function task_list_parts(ids bigint[], parts integer[],
    out task_id bigint, out comment_count bigint, out tags text, out blockers text, out parent_id bigint,
    out subtasks_done bigint, out subtasks_total bigint, out items_done bigint, out items_total bigint,
    out assignees text, out fields text)
returns setof record language plpgsql stable as $$
declare
    present integer;
begin
    select bit_or(x.p) into present from unnest(parts) x(p);
    if present is null or present = 0 then
        return;
    end if;
    if present & 1 <> 0 then
        return query
        select m.task_id, count(*), null::text, null::text, null::bigint, null::bigint, null::bigint, null::bigint,
               null::bigint, null::text, null::text
        from comments m
        where m.task_id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 1 <> 0))
        group by m.task_id;
    end if;
    if present & 2 <> 0 then
        return query
        select tt.task_id, null::bigint,
               '[' || string_agg('{"id":' || g.id || ',"name":' || api_json_string(g.name)
                                 || ',"color":' || api_json_string(g.color) || '}', ','
                                 order by lower(g.name), g.id) || ']',
               null::text, null::bigint, null::bigint, null::bigint, null::bigint, null::bigint, null::text, null::text
        from task_tags tt join tags g on g.id = tt.tag_id
        where tt.task_id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 2 <> 0))
        group by tt.task_id;
    end if;
    if present & 4 <> 0 then
        return query
        select r.to_task_id, null::bigint, null::text,
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
        select r.to_task_id, null::bigint, null::text, null::text, r.from_task_id, null::bigint, null::bigint,
               null::bigint, null::bigint, null::text, null::text
        from task_relations r join tasks p on p.id = r.from_task_id
        where r.to_task_id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 8 <> 0))
          and r.kind = 'parent' and p.deleted_at is null;
    end if;
    if present & 16 <> 0 then
        return query
        select r.from_task_id, null::bigint, null::text, null::text, null::bigint,
               count(*) filter (where s.status = 'completed'), count(*) filter (where s.status <> 'cancelled'),
               null::bigint, null::bigint, null::text, null::text
        from task_relations r join tasks s on s.id = r.to_task_id
        where r.from_task_id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 16 <> 0))
          and r.kind = 'parent' and s.deleted_at is null
        group by r.from_task_id;
    end if;
    if present & 32 <> 0 then
        return query
        select i.task_id, null::bigint, null::text, null::text, null::bigint, null::bigint, null::bigint,
               count(*) filter (where i.done), count(*), null::text, null::text
        from checklist_items i
        where i.task_id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 32 <> 0))
        group by i.task_id;
    end if;
    if present & 64 <> 0 then
        return query
        select a.task_id, null::bigint, null::text, null::text, null::bigint, null::bigint, null::bigint,
               null::bigint, null::bigint,
               '[' || string_agg(api_json_string(u.username), ',' order by a.added_at, u.username) || ']', null::text
        from task_assignees a join users u on u.id = a.user_id
        where a.task_id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 64 <> 0))
        group by a.task_id;
    end if;
    if present & 128 <> 0 then
        return query
        select v.id, null::bigint, null::text, null::text, null::bigint, null::bigint, null::bigint, null::bigint,
               null::bigint, null::text,
               json_object_agg(f.name, v.custom_fields -> f.id::text order by f.position, f.id)::text
        from tasks v join custom_fields f on f.board_id = v.board_id
        where v.id = any(array(select x.i from unnest(ids, parts) x(i, p) where x.p & 128 <> 0))
          and v.custom_fields -> f.id::text is not null
        group by v.id;
    end if;
end
$$;
