-- Lean writes (issue #19): a history row that simply extends its task's trail is folded into the flow
-- figures by a few index look-ups and appends, instead of flow_rebuild_tasks recomputing the task's
-- whole trail (docs/analytics.md, "How the figures are kept").
--
-- Measured before (backend CPU per single-statement write on a 10,000-task board, machine loaded):
-- the flow trigger was about three quarters of a create or a move, almost all of it planning the
-- recomputation's statements anew for every call (custom plans for the ids array).
--
-- The result is the same as the recomputation's, by construction: flow_fold_appended handles only a
-- row that (a) is the single flow row its statement wrote, (b) is the last of its task's flow rows in
-- trail order (time, then id), and (c) is a creation with no earlier creation, a column move or a
-- status change; for such a row the rules of flow_rebuild_tasks reduce to the updates below (the
-- comments give the rule each one follows). Everything else (several rows in one statement, rows out
-- of order, trash, restore, purge, history updates and deletions, a column's kind changing) still
-- recomputes the tasks as before, and FlowFiguresTest checks the kept figures against flow_rebuild on
-- a history built to be awkward. A row that is not a flow row (a title, a priority, a comment) costs
-- one scan of the statement's transition table and nothing else.

-- One change of a column's count, appended to both counters (plpgsql: its plans are kept per session,
-- a SQL function's would be made again on every call).
create function flow_count_change(ws bigint, board bigint, col bigint, t timestamptz, d integer)
    returns void language plpgsql as $$
begin
    insert into flow_counts (workspace_id, board_id, bucket, column_id, delta)
    values (ws, board, flow_bucket(t), col, d);
    insert into flow_counts_daily (workspace_id, board_id, day, column_id, delta)
    values (ws, board, (t at time zone 'UTC')::date, col, d);
end
$$;

create function flow_fold_appended(r task_history) returns boolean language plpgsql as $$
declare
    f flow_tasks;
    col bigint;
    brd bigint;
    k record;
    has_now boolean;
    c_at timestamptz;
    c_id bigint;
    any_status boolean;
    boards bigint[];
    froms timestamptz[];
    tos timestamptz[];
    cols bigint[];
    n integer;
    n_open integer;
    max_ord integer;
    closed record;
    v_created timestamptz;
    v_deleted timestamptz;
    v_started timestamptz;
    v_final text;
    v_completed timestamptz;
    v_completed_board bigint;
begin
    if not (r.action in ('created', 'status_changed') or (r.action = 'moved' and r.field = 'column')) then
        return false;
    end if;
    -- (b) the last flow row of its task: nothing after it in trail order
    if exists (select 1 from task_history h
               where h.task_id = r.task_id and h.id <> r.id
                 and (h.occurred_at, h.id) > (r.occurred_at, r.id)
                 and (h.action in ('created', 'deleted', 'restored', 'purged', 'status_changed')
                      or (h.action = 'moved' and h.field = 'column'))) then
        return false;
    end if;
    -- the column of an opening row, as flow_trail reads it
    col := coalesce(r.column_id, case when r.action = 'moved' and r.new_value ~ '^[0-9]{1,18}$'
                                      then r.new_value::bigint end);
    brd := coalesce(r.board_id, 0);
    select * into f from flow_tasks where task_id = r.task_id;
    select t.status, t.created_at, t.completed_at into k from tasks t where t.id = r.task_id;
    has_now := found;

    if r.action = 'created' then
        -- the first creation: the trail is this row alone (rows before a task's first creation are
        -- not part of its trail)
        if f.task_id is not null or exists (select 1 from task_history h where h.task_id = r.task_id
                                             and h.id <> r.id and h.action = 'created') then
            return false;
        end if;
        if col is not null then
            insert into flow_spans (task_id, ord, workspace_id, board_id, column_id, entered_at, left_at)
            values (r.task_id, 1, r.workspace_id, brd, col, r.occurred_at, null);
            perform flow_count_change(r.workspace_id, brd, col, r.occurred_at, 1);
            boards := array[brd];
            froms := array[r.occurred_at];
            tos := array[null::timestamptz];
            -- started: the entry into the first stay whose column's kind is in progress, review or blocked
            if (select c.kind from board_columns c where c.id = col and c.workspace_id = r.workspace_id)
                   in ('in_progress', 'review', 'blocked') then
                v_started := r.occurred_at;
            end if;
        end if;
        -- no status row yet: the status is the task's own (pending once the task is gone)
        v_final := case when has_now then k.status else 'pending' end;
        v_created := coalesce(k.created_at, r.occurred_at);
        if v_final = 'completed' then
            v_completed := case when has_now then coalesce(k.completed_at, k.created_at) else r.occurred_at end;
        end if;
        v_completed_board := flow_board_at(boards, froms, tos, v_completed, brd);
        insert into flow_tasks (task_id, workspace_id, created_at, created_board, deleted_at, started_at,
                                completed_at, completed_board, final_status, lead_seconds, cycle_seconds,
                                cur_board, cur_column, cur_entered)
        values (r.task_id, r.workspace_id, v_created, brd, null, v_started, v_completed, v_completed_board,
                v_final,
                case when v_completed is not null then flow_seconds(v_created, v_completed) end,
                case when v_completed is not null and v_started <= v_completed
                     then flow_seconds(v_started, v_completed) end,
                case when col is not null then brd end, col,
                case when col is not null then r.occurred_at end);
        return true;
    end if;

    -- a move or a status change extends a trail that exists
    if f.task_id is null then
        return false;
    end if;
    select array_agg(s.board_id order by s.ord), array_agg(s.entered_at order by s.ord),
           array_agg(s.left_at order by s.ord), array_agg(s.column_id order by s.ord),
           count(*), count(*) filter (where s.left_at is null), max(s.ord)
    into boards, froms, tos, cols, n, n_open, max_ord
    from flow_spans s where s.task_id = r.task_id;
    -- stays numbered 1..n with only the last one open, as the recomputation leaves them
    if coalesce(max_ord, 0) <> n or n_open > 1 or (n_open = 1 and tos[n] is not null) then
        return false;
    end if;
    -- the first creation row and whether any status row follows it (the trail's status rows)
    select h.occurred_at, h.id into c_at, c_id from task_history h
    where h.task_id = r.task_id and h.action = 'created'
    order by h.occurred_at, h.id limit 1;
    if c_at is null then
        return false;
    end if;
    v_created := coalesce(k.created_at, c_at);
    v_started := f.started_at;

    if r.action = 'moved' then
        -- the open stay ends at the move (the next opening or closing row ends a stay)
        if n_open = 1 then
            update flow_spans set left_at = r.occurred_at where task_id = r.task_id and ord = n
            returning workspace_id, board_id, column_id into closed;
            perform flow_count_change(closed.workspace_id, closed.board_id, closed.column_id, r.occurred_at, -1);
            tos[n] := r.occurred_at;
        end if;
        if col is not null then
            n := n + 1;
            insert into flow_spans (task_id, ord, workspace_id, board_id, column_id, entered_at, left_at)
            values (r.task_id, n, r.workspace_id, brd, col, r.occurred_at, null);
            perform flow_count_change(r.workspace_id, brd, col, r.occurred_at, 1);
            boards := boards || brd;
            froms := froms || r.occurred_at;
            tos := tos || null::timestamptz;
            cols := cols || col;
            if v_started is null
               and (select c.kind from board_columns c where c.id = col and c.workspace_id = r.workspace_id)
                   in ('in_progress', 'review', 'blocked') then
                v_started := r.occurred_at;
            end if;
        end if;
        -- an opening row: not in the trash any more
        v_deleted := null;
        -- the status: the last status row's, or the task's own when the trail has none
        any_status := exists (select 1 from task_history h
                              where h.task_id = r.task_id and h.action = 'status_changed'
                                and (h.occurred_at, h.id) > (c_at, c_id));
        if any_status then
            v_final := f.final_status;
            v_completed := f.completed_at;
        else
            v_final := case when has_now then k.status else 'pending' end;
            v_completed := case when v_final = 'completed' then
                               case when has_now then coalesce(k.completed_at, k.created_at) else c_at end
                           end;
        end if;
    else
        -- a status change: the last status row decides the status and, when completed, the time
        v_deleted := f.deleted_at;
        v_final := r.new_value;
        v_completed := case when v_final = 'completed' then r.occurred_at end;
    end if;

    v_completed_board := flow_board_at(boards, froms, tos, v_completed, f.created_board);
    update flow_tasks set
        workspace_id = r.workspace_id, created_at = v_created, deleted_at = v_deleted, started_at = v_started,
        completed_at = v_completed, completed_board = v_completed_board, final_status = v_final,
        lead_seconds = case when v_completed is not null then flow_seconds(v_created, v_completed) end,
        cycle_seconds = case when v_completed is not null and v_started <= v_completed
                             then flow_seconds(v_started, v_completed) end,
        -- on a board: not in the trash, and the last stay still open
        cur_board = case when v_deleted is null and n > 0 and tos[n] is null then boards[n] end,
        cur_column = case when v_deleted is null and n > 0 and tos[n] is null then cols[n] end,
        cur_entered = case when v_deleted is null and n > 0 and tos[n] is null then froms[n] end
    where task_id = r.task_id;
    return true;
end
$$;

-- V30's trigger function with the fast path in front of the recomputation.
create or replace function flow_after_history_write() returns trigger language plpgsql as $$
declare
    ids bigint[];
    n_rows bigint;
    one task_history;
begin
    if current_setting('kanban.flow_deferred', true) = 'on' then
        return null;
    end if;
    if tg_op = 'INSERT' then
        select array_agg(distinct n.task_id), count(*) into ids, n_rows
        from new_rows n
        where n.action in ('created', 'deleted', 'restored', 'purged', 'status_changed')
           or (n.action = 'moved' and n.field = 'column');
        if n_rows = 0 then
            return null;
        end if;
        if n_rows = 1 then
            select n.* into one from new_rows n
            where n.action in ('created', 'deleted', 'restored', 'purged', 'status_changed')
               or (n.action = 'moved' and n.field = 'column');
            if flow_fold_appended(one) then
                return null;
            end if;
        end if;
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
