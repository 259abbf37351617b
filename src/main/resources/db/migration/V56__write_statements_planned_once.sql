-- Two statements of every create, move and update were planned again on every call
-- (pg_stat_statements with track = all, track_planning = on, under bench/ab.sh's writes; issue #19):
--
-- 1. The history row of a row-level change (tasks_audit: a move, a status change, a title…) is written
--    by record_task_change, a SQL-language function. PostgreSQL 15 plans a SQL function's body on every
--    call (it keeps no plan for it), about 0.2 ms a history row. A PL/pgSQL function keeps its plan.
create or replace function record_task_change(t tasks, field text, old_value text, new_value text, action text)
    returns void language plpgsql as $$
begin
    insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor, column_id)
    values (t.workspace_id, t.board_id, t.id, action, field, old_value, new_value, kanban_actor(), t.column_id);
end $$;

-- 2. The column lock's answer (V38) chose between 0 and the column's count with a CASE on the WIP limit.
--    Its generic plan keeps the count's subplan, which costs the whole column, so PostgreSQL judged
--    every custom plan (the count folded away for a column without a limit) cheaper and planned the
--    statement on every create and move, about 0.5 ms. Two statements, one for each case, each keep
--    their generic plan. Same answer as V38.
create or replace function lock_column_for_placement(p_ws bigint, p_column bigint, p_self bigint)
returns table (id bigint, board_id bigint, name text, "position" integer, kind text, wip_limit integer,
               last_position bigint, task_count bigint)
language plpgsql volatile as $$
declare
    c board_columns;
begin
    select * into c from board_columns bc where bc.workspace_id = p_ws and bc.id = p_column for update;
    if not found then
        return;
    end if;
    if c.wip_limit is null then
        return query
            select c.id, c.board_id, c.name::text, c.position::integer, c.kind::text, null::integer,
                   (select max(t.position) from tasks t where t.column_id = p_column and t.id <> p_self
                      and t.position is not null)::bigint,
                   0::bigint;
    else
        return query
            select c.id, c.board_id, c.name::text, c.position::integer, c.kind::text, c.wip_limit::integer,
                   (select max(t.position) from tasks t where t.column_id = p_column and t.id <> p_self
                      and t.position is not null)::bigint,
                   (select count(*) from tasks t where t.column_id = p_column and t.position is not null);
    end if;
end $$;
