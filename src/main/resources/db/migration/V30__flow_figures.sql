-- Flow figures kept ahead of time, exactly (docs/analytics.md, "How the figures are kept").
--
-- Rebuilding every task of a board from its audit trail on each request takes seconds at 100,000
-- tasks. Instead each task's life as that rebuild sees it is stored:
--   flow_tasks   one row per task: creation, deletion (trash), first start, completion and their
--                boards, lead and cycle seconds, the current column;
--   flow_spans   the task's stays in columns, [entered_at, left_at);
--   flow_counts  +1 at each span's entry and -1 at its exit per (board, column) in 15-minute UTC
--                buckets, and flow_counts_daily the same per UTC day, so the number of tasks in a
--                column at any 15-minute-aligned instant is a prefix sum (whole UTC days, then the
--                buckets of the last partial day).
--
-- One mechanism maintains them: statement-level triggers on task_history with transition tables.
-- After each statement that writes, rewrites or deletes flow rows (creation, column move, status
-- change, trash, restore, purge), flow_rebuild_tasks recomputes exactly the tasks that statement
-- touched, from their whole trails, in a handful of set-based statements, in the same transaction as
-- the history write. A single write recomputes one task; a bulk INSERT ... SELECT of a million rows
-- recomputes its tasks in one pass instead of once per row. Rows arriving out of order (imports,
-- restores) are handled exactly like rows in order.
--
-- A bulk load that writes history row by row (the JSON import) sets kanban.flow_deferred for its
-- transaction (FlowFigures.deferred in Java), which makes the triggers skip, and runs flow_rebuild
-- for the workspace, set-based, before it commits: no other transaction ever sees the figures
-- stale. Nothing here is a cache: a reader sees exactly what rebuilding from the committed history
-- gives.

create table flow_tasks (
    task_id          bigint primary key,
    workspace_id     bigint not null references workspaces (id) on delete cascade,
    created_at       timestamptz not null,
    created_board    bigint,
    deleted_at       timestamptz,
    started_at       timestamptz,
    completed_at     timestamptz,
    completed_board  bigint,
    final_status     text,
    -- completed - created, and completed - started (null unless started at or before completion)
    lead_seconds     double precision,
    cycle_seconds    double precision,
    cur_board        bigint,
    cur_column       bigint,
    cur_entered      timestamptz
);
create index flow_tasks_workspace_idx on flow_tasks (workspace_id);
-- completions of a range by an index-only scan (lead and cycle times, throughput)
create index flow_tasks_completed_idx on flow_tasks (completed_board, completed_at)
    include (workspace_id, task_id, created_at, started_at, deleted_at, lead_seconds, cycle_seconds)
    where completed_at is not null;
create index flow_tasks_current_idx on flow_tasks (cur_board, cur_column) where cur_column is not null;
create index flow_tasks_created_idx on flow_tasks (created_board, created_at);

create table flow_spans (
    task_id       bigint not null,
    ord           integer not null,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    board_id      bigint not null,
    column_id     bigint not null,
    entered_at    timestamptz not null,
    left_at       timestamptz,
    primary key (task_id, ord)
);
create index flow_spans_workspace_idx on flow_spans (workspace_id);
create index flow_spans_board_column_idx on flow_spans (board_id, column_id, task_id, ord);
create index flow_spans_column_idx on flow_spans (column_id);

create table flow_counts (
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    board_id      bigint not null,
    bucket        timestamptz not null,
    column_id     bigint not null,
    delta         bigint not null
);
-- not unique: writers append their changes rather than update a shared row (which made concurrent
-- writers of one column deadlock); readers sum, and flow_rebuild writes one row per key again
create index flow_counts_key_idx on flow_counts (board_id, bucket, column_id);
create index flow_counts_workspace_idx on flow_counts (workspace_id);

create table flow_counts_daily (
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    board_id      bigint not null,
    day           date not null,
    column_id     bigint not null,
    delta         bigint not null
);
create index flow_counts_daily_key_idx on flow_counts_daily (board_id, day, column_id);
create index flow_counts_daily_workspace_idx on flow_counts_daily (workspace_id);

-- Creation rows for a whole INSERT into tasks at once (a statement-level trigger with its transition
-- table instead of one history statement per row): an INSERT ... SELECT of 100,000 tasks writes their
-- creation rows in one statement, which the flow trigger below then recomputes in one pass. Updates
-- and deletions keep the row trigger of V28.
drop trigger tasks_audit on tasks;
create trigger tasks_audit after update or delete on tasks for each row execute function tasks_audit();

create function tasks_audit_insert() returns trigger language plpgsql as $$
begin
    insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor, column_id)
    select n.workspace_id, n.board_id, n.id, 'created', null, null, n.title, kanban_actor(), n.column_id
    from new_rows n
    order by n.id;
    return null;
end
$$;

create trigger tasks_audit_insert after insert on tasks
    referencing new table as new_rows for each statement execute function tasks_audit_insert();

-- The 15-minute UTC bucket of an instant (every zone in use today is offset by whole quarter hours).
create function flow_bucket(t timestamptz) returns timestamptz language sql immutable as $$
    select date_bin('15 minutes', t, timestamptz '2000-01-01 00:00:00+00')
$$;

-- Finding the boards' tasks and reading their trails covers the trash rows too.
drop index if exists task_history_flow_idx;
create index task_history_flow_idx on task_history (board_id, task_id)
    where action in ('created', 'moved', 'status_changed', 'deleted', 'restored', 'purged');

-- The trail of a set of tasks as docs/analytics.md ("What the trail tells") reads it, and as
-- TaskFlow.of does in Java: each task's flow rows from its first creation row on, in order (time, then
-- id). Opening rows (created, moved, restored) put the task in their column; closing rows (deleted,
-- which now means "to the trash", and purged) take it off; status rows change its status. next_at is
-- the time of the next opening or closing row: the end of the stay an opening row begins.
create function flow_trail(ids bigint[])
    returns table (task_id bigint, workspace_id bigint, board_id bigint, action text, old_value text,
                   new_value text, occurred_at timestamptz, column_id bigint, rn bigint, next_at timestamptz)
    language sql stable as $$
    with ev as (
        select h.task_id, h.workspace_id, coalesce(h.board_id, 0) as board_id, h.action, h.old_value,
               h.new_value, h.occurred_at,
               coalesce(h.column_id, case when h.action = 'moved' and h.new_value ~ '^[0-9]{1,18}$'
                                          then h.new_value::bigint end) as column_id,
               row_number() over (partition by h.task_id order by h.occurred_at, h.id) as rn
        from unnest(ids) as i(id)
        join task_history h on h.task_id = i.id
        where h.action in ('created', 'deleted', 'restored', 'purged', 'status_changed')
           or (h.action = 'moved' and h.field = 'column')
    ), started as (
        select ev.*, min(ev.rn) filter (where ev.action = 'created') over (partition by ev.task_id) as first_rn
        from ev
    )
    select s.task_id, s.workspace_id, s.board_id, s.action, s.old_value, s.new_value, s.occurred_at,
           s.column_id, s.rn,
           lead(s.occurred_at) over (partition by s.task_id, s.action = 'status_changed' order by s.rn)
    from started s
    where s.rn >= s.first_rn
$$;

-- The stays of a set of tasks: one per opening row with a known column, until the next opening or
-- closing row (null: still there), numbered from 1 per task.
create function flow_trail_spans(ids bigint[])
    returns table (task_id bigint, ord integer, workspace_id bigint, board_id bigint, column_id bigint,
                   entered_at timestamptz, left_at timestamptz)
    language sql stable as $$
    select t.task_id, (row_number() over (partition by t.task_id order by t.rn))::integer, t.workspace_id,
           t.board_id, t.column_id, t.occurred_at, t.next_at
    from flow_trail(ids) t
    where t.action in ('created', 'moved', 'restored') and t.column_id is not null
$$;

-- Milliseconds between two instants in seconds, as the Java side computes them
-- (Duration.toMillis() / 1000.0).
create function flow_seconds(a timestamptz, b timestamptz) returns double precision
    language sql immutable as $$
    select (floor(extract(epoch from (b - a)) * 1000) / 1000)::double precision
$$;

-- The board a task was on at instant t: the stay that holds t, else the last stay entered by then,
-- else the fallback (TaskFlow.completedOnBoard in Java). Stays given in order.
create function flow_board_at(boards bigint[], froms timestamptz[], tos timestamptz[], t timestamptz,
                              fallback bigint)
    returns bigint language plpgsql immutable as $$
declare
    i integer;
    last bigint;
begin
    if t is null then
        return null;
    end if;
    for i in 1 .. coalesce(array_length(boards, 1), 0) loop
        if froms[i] <= t and (tos[i] is null or tos[i] > t) then
            return boards[i];
        end if;
    end loop;
    for i in 1 .. coalesce(array_length(boards, 1), 0) loop
        if froms[i] <= t then
            last := boards[i];
        end if;
    end loop;
    return coalesce(last, fallback);
end
$$;

-- Recomputes a set of tasks (distinct ids) from their trails, set-based, in four statements: (1) the
-- tasks' kept stays are deleted and the counters get the difference between their new stays and the
-- deleted ones, grouped per key and in key order (two writers take counter rows in the same order
-- and cannot deadlock on them); (2) the new stays are inserted; (3) tasks without a trail lose their
-- row; (4) the per-task rows are replaced by what the trail says now. Each statement runs by EXECUTE
-- ... USING, planned for the actual array (one task: index lookups; a bulk load: hash joins), so the
-- work stays linear in the number of rows of the tasks touched.
create function flow_rebuild_tasks(ids bigint[]) returns void language plpgsql as $$
declare
    a_ws bigint[];
    a_board bigint[];
    a_col bigint[];
    a_t timestamptz[];
    a_d integer[];
begin
    if coalesce(cardinality(ids), 0) = 0 then
        return;
    end if;

    -- the changes of the column counts, appended (no shared row is updated, so concurrent writers of
    -- one column never wait for each other here)
    with gone as (
        delete from flow_spans s using unnest(ids) as i(id)
        where s.task_id = i.id
        returning s.workspace_id, s.board_id, s.column_id, s.entered_at, s.left_at
    ), neu as (
        select * from flow_trail_spans(ids)
    ), d as (
        select n.workspace_id, n.board_id, n.column_id, n.entered_at as t, 1 as d from neu n
        union all
        select n.workspace_id, n.board_id, n.column_id, n.left_at, -1 from neu n where n.left_at is not null
        union all
        select g.workspace_id, g.board_id, g.column_id, g.entered_at, -1 from gone g
        union all
        select g.workspace_id, g.board_id, g.column_id, g.left_at, 1 from gone g where g.left_at is not null
    )
    select array_agg(d.workspace_id), array_agg(d.board_id), array_agg(d.column_id), array_agg(d.t),
           array_agg(d.d)
    into a_ws, a_board, a_col, a_t, a_d
    from d;

    if a_ws is not null then
        insert into flow_counts as c (workspace_id, board_id, bucket, column_id, delta)
        select min(x.ws), x.board, flow_bucket(x.t), x.col, sum(x.d)
        from unnest(a_ws, a_board, a_col, a_t, a_d) as x(ws, board, col, t, d)
        group by x.board, flow_bucket(x.t), x.col
        having sum(x.d) <> 0
        ;

        insert into flow_counts_daily as c (workspace_id, board_id, day, column_id, delta)
        select min(x.ws), x.board, (x.t at time zone 'UTC')::date, x.col, sum(x.d)
        from unnest(a_ws, a_board, a_col, a_t, a_d) as x(ws, board, col, t, d)
        group by x.board, (x.t at time zone 'UTC')::date, x.col
        having sum(x.d) <> 0
        ;
    end if;

    insert into flow_spans (task_id, ord, workspace_id, board_id, column_id, entered_at, left_at)
    select n.task_id, n.ord, n.workspace_id, n.board_id, n.column_id, n.entered_at, n.left_at
    from flow_trail_spans(ids) n
;

    delete from flow_tasks f using unnest(ids) as i(id)
    where f.task_id = i.id
      and not exists (select 1 from task_history h where h.task_id = i.id and h.action = 'created')
;

    with tr as (
        select t.*,
               max(t.rn) filter (where t.action in ('created', 'moved', 'restored'))
                   over (partition by t.task_id) as last_open
        from flow_trail(ids) t
    ), per as (
        select tr.task_id,
               (array_agg(tr.workspace_id order by tr.rn desc))[1] as ws,
               (array_agg(tr.occurred_at order by tr.rn))[1] as created_row_at,
               (array_agg(tr.board_id order by tr.rn))[1] as created_board,
               min(tr.occurred_at) filter (where tr.action in ('deleted', 'purged') and tr.rn > tr.last_open) as deleted,
               count(*) filter (where tr.action = 'status_changed') as n_status,
               (array_agg(tr.old_value order by tr.rn) filter (where tr.action = 'status_changed'))[1] as first_from,
               (array_agg(tr.new_value order by tr.rn desc) filter (where tr.action = 'status_changed'))[1] as last_to,
               max(tr.occurred_at) filter (where tr.action = 'status_changed') as last_status_at
        from tr
        group by tr.task_id
    ), st as (
        select p.*, k.id is not null as has_now, k.created_at as now_created, k.completed_at as now_completed,
               case when p.n_status > 0 then p.first_from when k.id is not null then k.status else 'pending' end
                   as initial,
               y.boards, y.froms, y.tos, y.cols, y.started, coalesce(cardinality(y.boards), 0) as n
        from per p
        left join tasks k on k.id = p.task_id
        -- each task's stays by its primary key: one index range per task, whatever the plan
        cross join lateral (
            select array_agg(s.board_id order by s.ord) as boards,
                   array_agg(s.entered_at order by s.ord) as froms,
                   array_agg(s.left_at order by s.ord) as tos,
                   array_agg(s.column_id order by s.ord) as cols,
                   (array_agg(s.entered_at order by s.ord)
                       filter (where (select c.kind from board_columns c
                                      where c.id = s.column_id and c.workspace_id = s.workspace_id)
                                     in ('in_progress', 'review', 'blocked')))[1] as started
            from flow_spans s
            where s.task_id = p.task_id
        ) y
    ), fin as (
        select st.*, case when st.n_status > 0 then st.last_to else st.initial end as final,
               coalesce(st.now_created, st.created_row_at) as created
        from st
    ), done as (
        select fin.*,
               case when fin.final = 'completed' then
                   case when fin.n_status > 0 then fin.last_status_at
                        when fin.has_now then coalesce(fin.now_completed, fin.now_created)
                        else fin.created_row_at end
               end as completed,
               fin.deleted is null and fin.n > 0 and fin.tos[fin.n] is null as on_board
        from fin
    )
    insert into flow_tasks as f (task_id, workspace_id, created_at, created_board, deleted_at, started_at,
                                 completed_at, completed_board, final_status, lead_seconds, cycle_seconds,
                                 cur_board, cur_column, cur_entered)
    select d.task_id, d.ws, d.created, d.created_board, d.deleted, d.started, d.completed,
           flow_board_at(d.boards, d.froms, d.tos, d.completed, d.created_board), d.final,
           case when d.completed is not null then flow_seconds(d.created, d.completed) end,
           case when d.completed is not null and d.started <= d.completed
                then flow_seconds(d.started, d.completed) end,
           case when d.on_board then d.boards[d.n] end,
           case when d.on_board then d.cols[d.n] end,
           case when d.on_board then d.froms[d.n] end
    from done d
    order by d.task_id
    on conflict (task_id) do update set
        workspace_id = excluded.workspace_id, created_at = excluded.created_at,
        created_board = excluded.created_board, deleted_at = excluded.deleted_at,
        started_at = excluded.started_at, completed_at = excluded.completed_at,
        completed_board = excluded.completed_board, final_status = excluded.final_status,
        lead_seconds = excluded.lead_seconds, cycle_seconds = excluded.cycle_seconds,
        cur_board = excluded.cur_board, cur_column = excluded.cur_column, cur_entered = excluded.cur_entered
;
end
$$;

-- Recomputes a workspace's flow figures from its history, set-based (this migration, the JSON
-- import after its deferred load, the benchmark's load).
create function flow_rebuild(ws bigint) returns void language plpgsql as $$
begin
    delete from flow_counts where workspace_id = ws;
    delete from flow_counts_daily where workspace_id = ws;
    delete from flow_spans where workspace_id = ws;
    delete from flow_tasks where workspace_id = ws;
    perform flow_rebuild_tasks(array(
        select distinct h.task_id from task_history h where h.workspace_id = ws and h.action = 'created'));
end
$$;

-- After each statement that writes, rewrites or deletes history: the tasks whose flow rows it
-- touched, recomputed together. A whole workspace being deleted takes its figures with it (foreign
-- keys) and needs nothing. Skipped while kanban.flow_deferred is 'on' (a bulk load that runs
-- flow_rebuild before it commits).
create function flow_after_history_write() returns trigger language plpgsql as $$
declare
    ids bigint[];
begin
    if current_setting('kanban.flow_deferred', true) = 'on' then
        return null;
    end if;
    if tg_op = 'INSERT' then
        select array_agg(distinct n.task_id) into ids from new_rows n
        where n.action in ('created', 'deleted', 'restored', 'purged', 'status_changed')
           or (n.action = 'moved' and n.field = 'column');
    elsif tg_op = 'UPDATE' then
        select array_agg(distinct x.task_id) into ids
        from (select o.task_id from old_rows o union select n.task_id from new_rows n) x;
    else
        select array_agg(distinct o.task_id) into ids from old_rows o
        where (o.action in ('created', 'deleted', 'restored', 'purged', 'status_changed')
               or (o.action = 'moved' and o.field = 'column'))
          and exists (select 1 from workspaces w where w.id = o.workspace_id);
    end if;
    perform flow_rebuild_tasks(ids);
    return null;
end
$$;

create trigger task_history_flow_insert after insert on task_history
    referencing new table as new_rows for each statement execute function flow_after_history_write();
create trigger task_history_flow_update after update on task_history
    referencing old table as old_rows new table as new_rows
    for each statement execute function flow_after_history_write();
create trigger task_history_flow_delete after delete on task_history
    referencing old table as old_rows for each statement execute function flow_after_history_write();

create function flow_after_history_truncate() returns trigger language plpgsql as $$
begin
    delete from flow_counts;
    delete from flow_counts_daily;
    delete from flow_spans;
    delete from flow_tasks;
    return null;
end
$$;

create trigger task_history_flow_truncate after truncate on task_history
    for each statement execute function flow_after_history_truncate();

-- A column's kind decides whether entering it starts the work: the tasks that stayed in a column
-- whose kind changed, or that was deleted, are recomputed.
create function flow_after_column_change() returns trigger language plpgsql as $$
begin
    perform flow_rebuild_tasks(array(select distinct s.task_id from flow_spans s where s.column_id = old.id));
    return null;
end
$$;

create trigger board_columns_flow_kind after update of kind on board_columns
    for each row when (old.kind is distinct from new.kind) execute function flow_after_column_change();
create trigger board_columns_flow_delete after delete on board_columns
    for each row execute function flow_after_column_change();

-- row-level security and grants like every tenant table (V2__identity.sql)
do $$
declare
    t text;
begin
    foreach t in array array['flow_tasks', 'flow_spans', 'flow_counts', 'flow_counts_daily']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy workspace_isolation on %I using (workspace_id = kanban_workspace())'
                       ' with check (workspace_id = kanban_workspace())', t);
        if exists (select 1 from pg_roles where rolname = 'kanban_app') then
            execute format('grant select, insert, update, delete on %I to kanban_app', t);
        end if;
    end loop;
end
$$;

-- Today's history, recomputed one workspace at a time, bound to it as the application is.
do $$
declare
    w bigint;
begin
    lock table task_history in share row exclusive mode;
    for w in select id from workspaces order by id loop
        perform set_config('kanban.workspace_id', w::text, true);
        perform flow_rebuild(w);
    end loop;
    perform set_config('kanban.workspace_id', '', true);
end
$$;

-- fresh statistics for the planner: the figures went from empty to the whole history
analyze flow_tasks;
analyze flow_spans;
analyze flow_counts;
analyze flow_counts_daily;
