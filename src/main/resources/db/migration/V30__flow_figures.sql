-- Flow figures kept ahead of time, exactly (docs/analytics.md, "How the figures are kept").
--
-- The flow endpoints used to rebuild every task of a board from its audit trail on each request
-- (seconds at 100,000 tasks). Now each task's life as that rebuild sees it is stored:
--   flow_tasks   one row per task: creation, deletion, first start, completion and their boards, the
--                current column;
--   flow_spans   the task's stays in columns, [entered_at, left_at);
--   flow_counts  +1 at each span's entry and -1 at its exit per (board, column) in 15-minute UTC
--                buckets, and flow_counts_daily the same per UTC day, so the number of tasks in a
--                column at any 15-minute-aligned instant is a prefix sum (whole UTC days, then the
--                buckets of the last partial day).
--
-- One mechanism maintains them: a trigger on task_history. Every flow row (creation, column move,
-- status change, deletion) inserted, updated or deleted makes flow_rebuild_task recompute that task
-- from its whole trail, in the same transaction and the same statement as the history write (no
-- extra round trip), and apply only the difference to the spans and counters. Rows arriving out of
-- order (imports, restores) are therefore handled exactly like rows in order. A change of a column's
-- kind, or its deletion, recomputes the first start of the tasks that stayed in it. flow_rebuild(ws)
-- recomputes a whole workspace from history (this migration, a restore, the benchmark's load).
-- Nothing here is a cache: a reader sees exactly what rebuilding from the committed history gives.

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
    cur_board        bigint,
    cur_column       bigint,
    cur_entered      timestamptz
);
create index flow_tasks_workspace_idx on flow_tasks (workspace_id);
-- completions of a range by an index-only scan (lead and cycle times, throughput)
create index flow_tasks_completed_idx on flow_tasks (completed_board, completed_at)
    include (workspace_id, task_id, created_at, started_at) where completed_at is not null;
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
    delta         bigint not null,
    primary key (board_id, bucket, column_id)
);
create index flow_counts_workspace_idx on flow_counts (workspace_id);

create table flow_counts_daily (
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    board_id      bigint not null,
    day           date not null,
    column_id     bigint not null,
    delta         bigint not null,
    primary key (board_id, day, column_id)
);
create index flow_counts_daily_workspace_idx on flow_counts_daily (workspace_id);

-- The 15-minute UTC bucket of an instant (every zone in use today is offset by whole quarter hours).
create function flow_bucket(t timestamptz) returns timestamptz language sql immutable as $$
    select date_bin('15 minutes', t, timestamptz '2000-01-01 00:00:00+00')
$$;

-- Applies +1/-1 changes at instants to both counter tables, grouped per key and in key order (two
-- writers take the counter rows in the same order and cannot deadlock on them).
create function flow_count(ws bigint, boards bigint[], cols bigint[], ats timestamptz[], deltas integer[])
    returns void language sql as $$
    insert into flow_counts (workspace_id, board_id, bucket, column_id, delta)
    select ws, b, flow_bucket(t), c, sum(d)
    from unnest(boards, cols, ats, deltas) as x(b, c, t, d)
    group by b, flow_bucket(t), c
    having sum(d) <> 0
    order by b, flow_bucket(t), c
    on conflict (board_id, bucket, column_id) do update set delta = flow_counts.delta + excluded.delta;
    insert into flow_counts_daily (workspace_id, board_id, day, column_id, delta)
    select ws, b, (t at time zone 'UTC')::date, c, sum(d)
    from unnest(boards, cols, ats, deltas) as x(b, c, t, d)
    group by b, (t at time zone 'UTC')::date, c
    having sum(d) <> 0
    order by b, (t at time zone 'UTC')::date, c
    on conflict (board_id, day, column_id) do update set delta = flow_counts_daily.delta + excluded.delta;
$$;

-- The first entry of a task into a column whose kind means work started and not finished.
create function flow_started_at(task bigint) returns timestamptz language plpgsql stable as $$
declare
    s record;
begin
    -- span by span (primary key order), each column by its primary key: no plan can turn this into a
    -- scan of every span of a column
    for s in select f.column_id, f.workspace_id, f.entered_at from flow_spans f where f.task_id = task order by f.ord loop
        if exists (select 1 from board_columns c where c.id = s.column_id and c.workspace_id = s.workspace_id
                                                   and c.kind in ('in_progress', 'review', 'blocked')) then
            return s.entered_at;
        end if;
    end loop;
    return null;
end
$$;

-- Recomputes one task from its trail exactly as the analytics' TaskFlow does (docs/analytics.md, "What
-- the trail tells"), stores it, and applies the difference of its spans to the counters (when
-- counts is true; flow_rebuild counts a whole workspace at once instead).
create function flow_rebuild_task(task bigint, counts boolean default true) returns void
    language plpgsql as $$
declare
    r record;
    now_row record;
    has_now boolean;
    ws bigint;
    created timestamptz;
    created_board bigint;
    deleted timestamptz;
    has_open boolean := false;
    open_board bigint;
    open_col bigint;
    open_from timestamptz;
    sb bigint[] := '{}';
    sc bigint[] := '{}';
    sf timestamptz[] := '{}';
    st timestamptz[] := '{}';
    n_status integer := 0;
    first_from text;
    last_to text;
    last_status_at timestamptz;
    initial text;
    final text;
    completed timestamptz;
    completed_board bigint;
    n integer;
    i integer;
    db bigint[];
    dc bigint[];
    dt timestamptz[];
    dd integer[];
begin
    -- the task's workspace, also when its whole trail is gone
    select f.workspace_id into ws from flow_tasks f where f.task_id = task;
    for r in
        select h.workspace_id, coalesce(h.board_id, 0) as board_id, h.action, h.old_value, h.new_value,
               h.occurred_at,
               coalesce(h.column_id, case when h.action = 'moved' and h.new_value ~ '^[0-9]{1,18}$'
                                          then h.new_value::bigint end) as column_id
        from task_history h
        where h.task_id = task
          and (h.action in ('created', 'deleted', 'status_changed') or (h.action = 'moved' and h.field = 'column'))
        order by h.occurred_at, h.id
    loop
        ws := r.workspace_id;
        if r.action = 'created' then
            created := r.occurred_at;
            created_board := r.board_id;
            has_open := true;
            open_board := r.board_id;
            open_col := r.column_id;
            open_from := r.occurred_at;
        elsif r.action = 'moved' then
            if has_open and open_col is not null then
                sb := sb || open_board; sc := sc || open_col; sf := sf || open_from; st := st || r.occurred_at;
            end if;
            has_open := true;
            open_board := r.board_id;
            open_col := r.column_id;
            open_from := r.occurred_at;
        elsif r.action = 'deleted' then
            if has_open and open_col is not null then
                sb := sb || open_board; sc := sc || open_col; sf := sf || open_from; st := st || r.occurred_at;
            end if;
            has_open := false;
            deleted := r.occurred_at;
        else
            n_status := n_status + 1;
            if n_status = 1 then
                first_from := r.old_value;
            end if;
            last_to := r.new_value;
            last_status_at := r.occurred_at;
        end if;
    end loop;

    if created is null then
        -- no trail that starts at the beginning: the task is not part of the figures
        sb := '{}'; sc := '{}'; sf := '{}'; st := '{}';
        delete from flow_tasks f where f.task_id = task;
    else
        if has_open and open_col is not null then
            sb := sb || open_board; sc := sc || open_col; sf := sf || open_from; st := st || null::timestamptz;
        end if;
        select t.status, t.created_at, t.completed_at into now_row from tasks t where t.id = task;
        has_now := found;
        initial := case when n_status > 0 then first_from when has_now then now_row.status else 'pending' end;
        final := case when n_status > 0 then last_to else initial end;
        if final = 'completed' then
            completed := case when n_status > 0 then last_status_at
                              when has_now then coalesce(now_row.completed_at, now_row.created_at)
                              else created end;
        end if;
        n := coalesce(array_length(sb, 1), 0);
        if completed is not null then
            for i in 1 .. n loop
                if sf[i] <= completed and (st[i] is null or st[i] > completed) then
                    completed_board := sb[i];
                    exit;
                end if;
            end loop;
            if completed_board is null then
                for i in 1 .. n loop
                    if sf[i] <= completed then
                        completed_board := sb[i];
                    end if;
                end loop;
            end if;
            completed_board := coalesce(completed_board, created_board);
        end if;
        insert into flow_tasks as f (task_id, workspace_id, created_at, created_board, deleted_at, completed_at,
                                     completed_board, final_status, cur_board, cur_column, cur_entered)
        values (task, ws, case when has_now and now_row.created_at is not null then now_row.created_at else created end,
                created_board, deleted, completed, completed_board, final,
                case when deleted is null and n > 0 and st[n] is null then sb[n] end,
                case when deleted is null and n > 0 and st[n] is null then sc[n] end,
                case when deleted is null and n > 0 and st[n] is null then sf[n] end)
        on conflict (task_id) do update set
            workspace_id = excluded.workspace_id, created_at = excluded.created_at,
            created_board = excluded.created_board, deleted_at = excluded.deleted_at,
            completed_at = excluded.completed_at, completed_board = excluded.completed_board,
            final_status = excluded.final_status, cur_board = excluded.cur_board,
            cur_column = excluded.cur_column, cur_entered = excluded.cur_entered;
    end if;

    -- the spans: drop those that changed, add the new ones; the counters get the difference
    with neu as (
        select u.ord::integer as ord, u.b, u.c, u.f, u.t from unnest(sb, sc, sf, st) with ordinality as u(b, c, f, t, ord)
    ), gone as (
        delete from flow_spans s
        where s.task_id = task
          and not exists (select 1 from neu where neu.ord = s.ord and neu.b = s.board_id and neu.c = s.column_id
                                              and neu.f = s.entered_at and neu.t is not distinct from s.left_at)
        returning s.board_id, s.column_id, s.entered_at, s.left_at
    ), d as (
        select board_id as b, column_id as c, entered_at as t, -1 as d from gone
        union all
        select board_id, column_id, left_at, 1 from gone where left_at is not null
    )
    select array_agg(d.b), array_agg(d.c), array_agg(d.t), array_agg(d.d) into db, dc, dt, dd from d;

    with neu as (
        select u.ord::integer as ord, u.b, u.c, u.f, u.t from unnest(sb, sc, sf, st) with ordinality as u(b, c, f, t, ord)
    ), added as (
        insert into flow_spans (task_id, ord, workspace_id, board_id, column_id, entered_at, left_at)
        select task, neu.ord, ws, neu.b, neu.c, neu.f, neu.t from neu
        where not exists (select 1 from flow_spans s where s.task_id = task and s.ord = neu.ord)
        returning board_id, column_id, entered_at, left_at
    ), d as (
        select board_id as b, column_id as c, entered_at as t, 1 as d from added
        union all
        select board_id, column_id, left_at, -1 from added where left_at is not null
    )
    select coalesce(db, '{}') || array_agg(d.b), coalesce(dc, '{}') || array_agg(d.c),
           coalesce(dt, '{}') || array_agg(d.t), coalesce(dd, '{}') || array_agg(d.d)
    into db, dc, dt, dd from d;

    if created is not null then
        update flow_tasks f set started_at = flow_started_at(task) where f.task_id = task;
    end if;
    if counts and coalesce(array_length(db, 1), 0) > 0 then
        perform flow_count(ws, db, dc, dt, dd);
    end if;
end
$$;

-- Recomputes a workspace's flow figures from its history (this migration, restores, benchmarks).
create function flow_rebuild(ws bigint) returns void language plpgsql as $$
declare
    t bigint;
begin
    delete from flow_counts where workspace_id = ws;
    delete from flow_counts_daily where workspace_id = ws;
    delete from flow_spans where workspace_id = ws;
    delete from flow_tasks where workspace_id = ws;
    for t in select distinct h.task_id from task_history h where h.workspace_id = ws loop
        perform flow_rebuild_task(t, false);
    end loop;
    insert into flow_counts (workspace_id, board_id, bucket, column_id, delta)
    select ws, x.board_id, flow_bucket(x.t), x.column_id, sum(x.d)
    from (select board_id, column_id, entered_at as t, 1 as d from flow_spans where workspace_id = ws
          union all
          select board_id, column_id, left_at, -1 from flow_spans where workspace_id = ws and left_at is not null) x
    group by x.board_id, flow_bucket(x.t), x.column_id
    having sum(x.d) <> 0;
    insert into flow_counts_daily (workspace_id, board_id, day, column_id, delta)
    select ws, x.board_id, (x.t at time zone 'UTC')::date, x.column_id, sum(x.d)
    from (select board_id, column_id, entered_at as t, 1 as d from flow_spans where workspace_id = ws
          union all
          select board_id, column_id, left_at, -1 from flow_spans where workspace_id = ws and left_at is not null) x
    group by x.board_id, (x.t at time zone 'UTC')::date, x.column_id
    having sum(x.d) <> 0;
end
$$;

create function flow_after_history_insert() returns trigger language plpgsql as $$
begin
    perform flow_rebuild_task(new.task_id);
    return null;
end
$$;

create trigger task_history_flow_insert after insert on task_history
    for each row
    when (new.action in ('created', 'deleted', 'status_changed') or (new.action = 'moved' and new.field = 'column'))
    execute function flow_after_history_insert();

-- Deleting or rewriting history (a restore replaces a trail) recomputes the tasks it touched; a whole
-- workspace being deleted takes its figures with it (foreign keys) and needs nothing.
create function flow_after_history_change() returns trigger language plpgsql as $$
declare
    t bigint;
begin
    for t in
        select distinct c.task_id from changed c
        where exists (select 1 from workspaces w where w.id = c.workspace_id)
        order by c.task_id
    loop
        perform flow_rebuild_task(t);
    end loop;
    return null;
end
$$;

create trigger task_history_flow_delete after delete on task_history
    referencing old table as changed for each statement execute function flow_after_history_change();
create trigger task_history_flow_update after update on task_history
    referencing new table as changed for each statement execute function flow_after_history_change();

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

-- A column's kind decides whether entering it starts the work.
create function flow_after_column_change() returns trigger language plpgsql as $$
begin
    update flow_tasks f set started_at = flow_started_at(f.task_id)
    where f.task_id in (select s.task_id from flow_spans s where s.column_id = old.id);
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
