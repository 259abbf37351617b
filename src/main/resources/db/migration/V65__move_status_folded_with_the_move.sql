-- Lean writes (issue #19): a move that changes the task's status (a move into a column of another
-- kind) wrote its two history rows ('moved', then 'status_changed') in two statements, so the flow
-- trigger ran twice and the second fold read again everything the first had just written (the kept
-- row, the task, the stays, the first creation row) to update the same flow_tasks row. tasks_audit now
-- inserts the two rows in one statement, and the trigger folds that pair in one pass:
-- flow_fold_appended(r, st) folds the move r as before, with st, the status row after it in trail
-- order, not counted as a later flow row, then sets what st's own fold would set next (the final
-- status, and the completion at st's time when it is 'completed'); the stays, counters and the rest of
-- the task's row are the move's. Anything else with more than one flow row in a statement is
-- recomputed (flow_rebuild_tasks), as before. Same history rows in the same order (the column row's id
-- before the status row's), same figures: FlowFiguresTest checks the kept figures against the
-- recomputation, FlowWriteCostTest counts one fold and one flow_tasks update for such a move.
--
-- Measured (docs/benchmarks.md, "Where a service move's instructions go, and its status change folded
-- with the move"): instructions per write (bench/sql/cost/instructions.sh), the service's move as
-- kanban_app 4.97 -> 4.54 million (-8.7 %), a move with a status change alone 2.60 -> 2.30, a move
-- without one 2.097 -> 2.108 and the service's update 1.455 -> 1.459 (+0.5 and +0.3 %).

create or replace function tasks_audit() returns trigger language plpgsql as $$
declare
    k text;
begin
    if tg_op = 'INSERT' then
        perform record_task_change(new, null, null, new.title, 'created');
        return null;
    end if;
    if tg_op = 'DELETE' then
        -- a whole workspace being deleted takes its audit trail with it
        if exists (select 1 from workspaces w where w.id = old.workspace_id) then
            perform record_task_change(old, null, old.title, null,
                case when old.deleted_at is null then 'deleted' else 'purged' end);
        end if;
        return null;
    end if;
    if new.deleted_at is distinct from old.deleted_at then
        perform record_task_change(new, null, old.title, null,
            case when new.deleted_at is null then 'restored' else 'deleted' end);
    end if;
    if new.archived_at is distinct from old.archived_at then
        perform record_task_change(new, null, null, null,
            case when new.archived_at is null then 'unarchived' else 'archived' end);
    end if;
    if new.column_id is distinct from old.column_id and new.status is distinct from old.status then
        -- a move with its status change: both rows in one statement, folded together by the flow trigger
        insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor, column_id)
        values (new.workspace_id, new.board_id, new.id, 'moved', 'column', old.column_id::text,
                new.column_id::text, kanban_actor(), new.column_id),
               (new.workspace_id, new.board_id, new.id, 'status_changed', 'status', old.status, new.status,
                kanban_actor(), new.column_id);
    elsif new.column_id is distinct from old.column_id then
        perform record_task_change(new, 'column', old.column_id::text, new.column_id::text, 'moved');
    elsif new.status is distinct from old.status then
        perform record_task_change(new, 'status', old.status, new.status, 'status_changed');
    end if;
    if new.priority is distinct from old.priority then
        perform record_task_change(new, 'priority', old.priority, new.priority, 'updated');
    end if;
    if new.assignee is distinct from old.assignee then
        perform record_task_change(new, 'assignee', old.assignee, new.assignee, 'updated');
    end if;
    if new.title is distinct from old.title then
        perform record_task_change(new, 'title', old.title, new.title, 'updated');
    end if;
    if new.due_date is distinct from old.due_date then
        perform record_task_change(new, 'due_date',
            to_char(old.due_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            to_char(new.due_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'updated');
    end if;
    if new.epic is distinct from old.epic then
        perform record_task_change(new, 'epic', old.epic, new.epic, 'updated');
    end if;
    if new.description is distinct from old.description then
        perform record_task_change(new, 'description', null, null, 'updated');
    end if;
    if new.claimed_by is distinct from old.claimed_by then
        perform record_task_change(new, 'claimed_by', old.claimed_by, new.claimed_by,
            case when new.claimed_by is null then 'released' else 'claimed' end);
    end if;
    if new.custom_fields is distinct from old.custom_fields then
        -- one row per field whose value changed, named by the field's name (fields.<name>)
        for k in select key from jsonb_each(new.custom_fields) union select key from jsonb_each(old.custom_fields) loop
            if (new.custom_fields -> k) is distinct from (old.custom_fields -> k) then
                perform record_task_change(new,
                    'fields.' || coalesce((select f.name from custom_fields f
                                           where f.id = case when k ~ '^[0-9]{1,18}$' then k::bigint end), k),
                    old.custom_fields ->> k, new.custom_fields ->> k, 'updated');
            end if;
        end loop;
    end if;
    return null;
end
$$;


-- V59's fold with the status row of the same move (st, null for any other single row)
create function flow_fold_appended(r task_history, st task_history) returns boolean language plpgsql as $$
declare
    col bigint;
    brd bigint;
    x record;
    boards bigint[];
    froms timestamptz[];
    tos timestamptz[];
    cols bigint[];
    n integer;
    v_created timestamptz;
    v_deleted timestamptz;
    v_started timestamptz;
    v_final text;
    v_completed timestamptz;
    v_completed_board bigint;
    v_lead double precision;
    v_cycle double precision;
    on_board boolean;
begin
    if not (r.action in ('created', 'status_changed') or (r.action = 'moved' and r.field = 'column')) then
        return false;
    end if;
    -- the column of an opening row, as flow_trail reads it
    col := coalesce(r.column_id, case when r.action = 'moved' and r.new_value ~ '^[0-9]{1,18}$'
                                      then r.new_value::bigint end);
    brd := coalesce(r.board_id, 0);

    if r.action = 'created' then
        select
            -- (b) the last flow row of its task: nothing after it in trail order
            exists (select 1 from task_history h
                    where h.task_id = r.task_id and h.id <> r.id
                      and (h.occurred_at, h.id) > (r.occurred_at, r.id)
                      and (h.action in ('created', 'deleted', 'restored', 'purged', 'status_changed')
                           or (h.action = 'moved' and h.field = 'column'))) as later,
            -- the first creation: no kept row and no other creation row (rows before a task's first
            -- creation are not part of its trail)
            exists (select 1 from flow_tasks f where f.task_id = r.task_id)
                or exists (select 1 from task_history h where h.task_id = r.task_id
                           and h.id <> r.id and h.action = 'created') as not_first,
            k.id is not null as has_now, k.status, k.created_at, k.completed_at,
            case when col is not null then
                (select c.kind from board_columns c where c.id = col and c.workspace_id = r.workspace_id)
            end as kind
        into x
        from (select r.task_id) as one (id)
        left join tasks k on k.id = one.id;
        if x.later or x.not_first then
            return false;
        end if;
        if col is not null then
            boards := array[brd];
            froms := array[r.occurred_at];
            tos := array[null::timestamptz];
            -- started: the entry into the first stay whose column's kind is in progress, review or blocked
            if x.kind in ('in_progress', 'review', 'blocked') then
                v_started := r.occurred_at;
            end if;
        end if;
        -- no status row yet: the status is the task's own (pending once the task is gone)
        v_final := case when x.has_now then x.status else 'pending' end;
        v_created := coalesce(x.created_at, r.occurred_at);
        if v_final = 'completed' then
            v_completed := case when x.has_now then coalesce(x.completed_at, x.created_at) else r.occurred_at end;
            v_completed_board := flow_board_at(boards, froms, tos, v_completed, brd);
            v_lead := flow_seconds(v_created, v_completed);
            if v_started <= v_completed then
                v_cycle := flow_seconds(v_started, v_completed);
            end if;
        end if;
        with sp as (
            insert into flow_spans (task_id, ord, workspace_id, board_id, column_id, entered_at, left_at)
            select r.task_id, 1, r.workspace_id, brd, col, r.occurred_at, null
            where col is not null
        ), ct as (
            insert into flow_counts (workspace_id, board_id, bucket, column_id, delta)
            select r.workspace_id, brd, flow_bucket(r.occurred_at), col, 1
            where col is not null
        ), cd as (
            insert into flow_counts_daily (workspace_id, board_id, day, column_id, delta)
            select r.workspace_id, brd, (r.occurred_at at time zone 'UTC')::date, col, 1
            where col is not null
        )
        insert into flow_tasks (task_id, workspace_id, created_at, created_board, deleted_at, started_at,
                                completed_at, completed_board, final_status, lead_seconds, cycle_seconds,
                                cur_board, cur_column, cur_entered)
        values (r.task_id, r.workspace_id, v_created, brd, null, v_started, v_completed, v_completed_board,
                v_final, v_lead, v_cycle,
                case when col is not null then brd end, col,
                case when col is not null then r.occurred_at end);
        return true;
    end if;

    -- a move or a status change extends a trail that exists: the kept row, the task, the stays, the
    -- first creation row and, for a move, whether a status row follows it and the entered column's kind
    -- (two statements rather than one with these parts under a condition, which costs a status change
    -- more than V37's separate look-ups did)
    if r.action = 'moved' then
        select
            exists (select 1 from task_history h
                    where h.task_id = r.task_id and h.id <> r.id and h.id is distinct from st.id
                      and (h.occurred_at, h.id) > (r.occurred_at, r.id)
                      and (h.action in ('created', 'deleted', 'restored', 'purged', 'status_changed')
                           or (h.action = 'moved' and h.field = 'column'))) as later,
            f.created_board, f.started_at, f.deleted_at, f.final_status, f.completed_at as f_completed,
            k.id is not null as has_now, k.status, k.created_at, k.completed_at,
            s.boards, s.froms, s.tos, s.cols, s.n, s.n_open, s.max_ord,
            c.c_at,
            case when c.c_at is not null then
                exists (select 1 from task_history h
                        where h.task_id = r.task_id and h.action = 'status_changed'
                          and (h.occurred_at, h.id) > (c.c_at, c.c_id))
            end as any_status,
            case when col is not null and f.started_at is null then
                (select bc.kind from board_columns bc where bc.id = col and bc.workspace_id = r.workspace_id)::text
            end as kind
        into x
        from flow_tasks f
        left join tasks k on k.id = r.task_id
        cross join lateral (
            select array_agg(sp.board_id order by sp.ord) as boards, array_agg(sp.entered_at order by sp.ord) as froms,
                   array_agg(sp.left_at order by sp.ord) as tos, array_agg(sp.column_id order by sp.ord) as cols,
                   count(*)::integer as n, count(*) filter (where sp.left_at is null) as n_open,
                   max(sp.ord) as max_ord
            from flow_spans sp where sp.task_id = r.task_id
        ) s
        left join lateral (
            select h.occurred_at as c_at, h.id as c_id from task_history h
            where h.task_id = r.task_id and h.action = 'created'
            order by h.occurred_at, h.id limit 1
        ) c on true
        where f.task_id = r.task_id;
    else
        select
            exists (select 1 from task_history h
                    where h.task_id = r.task_id and h.id <> r.id
                      and (h.occurred_at, h.id) > (r.occurred_at, r.id)
                      and (h.action in ('created', 'deleted', 'restored', 'purged', 'status_changed')
                           or (h.action = 'moved' and h.field = 'column'))) as later,
            f.created_board, f.started_at, f.deleted_at, f.final_status, f.completed_at as f_completed,
            k.id is not null as has_now, k.status, k.created_at, k.completed_at,
            s.boards, s.froms, s.tos, s.cols, s.n, s.n_open, s.max_ord,
            c.c_at,
            null::boolean as any_status, null::text as kind
        into x
        from flow_tasks f
        left join tasks k on k.id = r.task_id
        cross join lateral (
            select array_agg(sp.board_id order by sp.ord) as boards, array_agg(sp.entered_at order by sp.ord) as froms,
                   array_agg(sp.left_at order by sp.ord) as tos, array_agg(sp.column_id order by sp.ord) as cols,
                   count(*)::integer as n, count(*) filter (where sp.left_at is null) as n_open,
                   max(sp.ord) as max_ord
            from flow_spans sp where sp.task_id = r.task_id
        ) s
        left join lateral (
            select h.occurred_at as c_at, h.id as c_id from task_history h
            where h.task_id = r.task_id and h.action = 'created'
            order by h.occurred_at, h.id limit 1
        ) c on true
        where f.task_id = r.task_id;
    end if;
    -- nothing kept for the task, or a flow row after this one
    if not found or x.later then
        return false;
    end if;
    boards := x.boards;
    froms := x.froms;
    tos := x.tos;
    cols := x.cols;
    n := x.n;
    -- stays numbered 1..n with only the last one open, as the recomputation leaves them
    if coalesce(x.max_ord, 0) <> n or x.n_open > 1 or (x.n_open = 1 and tos[n] is not null) then
        return false;
    end if;
    -- the first creation row
    if x.c_at is null then
        return false;
    end if;
    v_created := coalesce(x.created_at, x.c_at);
    v_started := x.started_at;

    if r.action = 'moved' then
        -- the open stay ends at the move (the next opening or closing row ends a stay)
        if x.n_open = 1 then
            tos[n] := r.occurred_at;
        end if;
        -- and a stay opens in the column entered
        if col is not null then
            n := n + 1;
            boards := boards || brd;
            froms := froms || r.occurred_at;
            tos := tos || null::timestamptz;
            cols := cols || col;
            if v_started is null and x.kind in ('in_progress', 'review', 'blocked') then
                v_started := r.occurred_at;
            end if;
        end if;
        -- an opening row: not in the trash any more
        v_deleted := null;
        -- the status: the last status row's, or the task's own when the trail has none
        if x.any_status then
            v_final := x.final_status;
            v_completed := x.f_completed;
        else
            v_final := case when x.has_now then x.status else 'pending' end;
            v_completed := case when v_final = 'completed' then
                               case when x.has_now then coalesce(x.completed_at, x.created_at) else x.c_at end
                           end;
        end if;
        -- the status row written with the move (st): what its own fold would set next, the trail being
        -- the one just extended (not in the trash, the same stays)
        if st.id is not null then
            v_final := st.new_value;
            v_completed := case when v_final = 'completed' then st.occurred_at end;
        end if;
    else
        -- a status change: the last status row decides the status and, when completed, the time
        v_deleted := x.deleted_at;
        v_final := r.new_value;
        v_completed := case when v_final = 'completed' then r.occurred_at end;
    end if;

    if v_completed is not null then
        v_completed_board := flow_board_at(boards, froms, tos, v_completed, x.created_board);
        v_lead := flow_seconds(v_created, v_completed);
        if v_started <= v_completed then
            v_cycle := flow_seconds(v_started, v_completed);
        end if;
    end if;
    -- on a board: not in the trash, and the last stay still open
    on_board := v_deleted is null and n > 0 and tos[n] is null;

    if r.action = 'status_changed' then
        update flow_tasks set
            workspace_id = r.workspace_id, created_at = v_created, deleted_at = v_deleted, started_at = v_started,
            completed_at = v_completed, completed_board = v_completed_board, final_status = v_final,
            lead_seconds = v_lead, cycle_seconds = v_cycle,
            cur_board = case when on_board then boards[n] end,
            cur_column = case when on_board then cols[n] end,
            cur_entered = case when on_board then froms[n] end
        where task_id = r.task_id;
        return true;
    end if;
    -- a move, in one statement: the stay closed and the one opened, each changing the counts of its
    -- column at the move (the counter rows still appended, one per stay and counter), and the task's
    -- row (the same update as above)
    with closed as (
        update flow_spans set left_at = r.occurred_at
        where x.n_open = 1 and task_id = r.task_id and ord = x.n
        returning workspace_id, board_id, column_id, -1 as d
    ), opened as (
        insert into flow_spans (task_id, ord, workspace_id, board_id, column_id, entered_at, left_at)
        select r.task_id, x.n + 1, r.workspace_id, brd, col, r.occurred_at, null
        where col is not null
    ), d as (
        select * from closed
        union all
        select r.workspace_id, brd, col, 1 where col is not null
    ), ct as (
        insert into flow_counts (workspace_id, board_id, bucket, column_id, delta)
        select d.workspace_id, d.board_id, flow_bucket(r.occurred_at), d.column_id, d.d from d
    ), cd as (
        insert into flow_counts_daily (workspace_id, board_id, day, column_id, delta)
        select d.workspace_id, d.board_id, (r.occurred_at at time zone 'UTC')::date, d.column_id, d.d from d
    )
    update flow_tasks set
        workspace_id = r.workspace_id, created_at = v_created, deleted_at = v_deleted, started_at = v_started,
        completed_at = v_completed, completed_board = v_completed_board, final_status = v_final,
        lead_seconds = v_lead, cycle_seconds = v_cycle,
        cur_board = case when on_board then boards[n] end,
        cur_column = case when on_board then cols[n] end,
        cur_entered = case when on_board then froms[n] end
    where task_id = r.task_id;
    return true;
end
$$;

-- V59's trigger function: a statement's single flow row is folded; so is a move followed by the status
-- row of the same task (tasks_audit's pair); anything else is recomputed.
create or replace function flow_after_history_write() returns trigger language plpgsql as $$
declare
    ids bigint[];
    n_rows integer := 0;
    fr task_history;
    one task_history;
    two task_history;
begin
    if current_setting('kanban.flow_deferred', true) = 'on' then
        return null;
    end if;
    if tg_op = 'INSERT' then
        for fr in
            select n.* from new_rows n
            where n.action in ('created', 'deleted', 'restored', 'purged', 'status_changed')
               or (n.action = 'moved' and n.field = 'column')
        loop
            n_rows := n_rows + 1;
            exit when n_rows > 2;
            if n_rows = 1 then
                one := fr;
            else
                two := fr;
            end if;
        end loop;
        if n_rows = 0 then
            return null;
        end if;
        if n_rows = 1 and flow_fold_appended(one, null) then
            return null;
        end if;
        if n_rows = 2 and one.action = 'moved' and two.action = 'status_changed' and two.task_id = one.task_id
           and (two.occurred_at, two.id) > (one.occurred_at, one.id) and flow_fold_appended(one, two) then
            return null;
        end if;
        select array_agg(distinct n.task_id) into ids
        from new_rows n
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

drop function flow_fold_appended(task_history);
