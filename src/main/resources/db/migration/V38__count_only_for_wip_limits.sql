-- The column lock of a create or move (V35) counted every task of the column to check the WIP limit,
-- also when the column has no limit: at 100,000 tasks (25,000 a column) that count was most of a
-- create's or move's database time (bench/run.sh, 2026-12-05: the replayed create 7.5 ms at 10,000
-- tasks, 27 ms at 100,000). The count is only read for a column with a WIP limit (Tasks.requireWipRoom),
-- so it is made only then; without a limit the function answers 0.
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
    return query
        select c.id, c.board_id, c.name::text, c.position::integer, c.kind::text, c.wip_limit::integer,
               (select max(t.position) from tasks t where t.column_id = p_column and t.id <> p_self
                  and t.position is not null)::bigint,
               case when c.wip_limit is null then 0::bigint
                    else (select count(*) from tasks t where t.column_id = p_column and t.position is not null)
               end;
end $$;
