-- Board statistics without scanning the board: task counts per (board, column, priority, status),
-- maintained by statement-level triggers on tasks in the same transaction as the change, so a
-- reader sees exactly the counts of the committed tasks (SPEC §10: board stats at 100,000 tasks).
--
-- Time-dependent figures (overdue, this week's progress) cannot be counted ahead of time; they are
-- read from the partial indexes tasks_open_due_idx and tasks_completed_idx.

create table task_counts (
    board_id   bigint not null references boards (id) on delete cascade,
    column_id  bigint not null references board_columns (id) on delete cascade,
    priority   text not null,
    status     text not null,
    n          bigint not null check (n >= 0),
    primary key (board_id, column_id, priority, status)
);
create index task_counts_column_idx on task_counts (column_id);

-- Each trigger applies the net change of its statement. Deltas are grouped per key (a bulk
-- statement touches a key once) and applied in key order, so two single-statement writes take the
-- counter rows in the same order and cannot deadlock on them (a transaction of several statements
-- still can, like on any rows; Transactions retries a deadlock victim). Writers that change the same
-- key wait for each other's commit on its counter row; inserts and moves into a column already take
-- turns on the column lock. An increment may create its row; a decrement only updates an existing
-- one (when a board is deleted, the cascade may already have removed its counter rows).
create function task_counts_after_insert() returns trigger language plpgsql as $$
begin
    insert into task_counts (board_id, column_id, priority, status, n)
    select board_id, column_id, priority, status, count(*)
    from new_rows
    group by board_id, column_id, priority, status
    order by board_id, column_id, priority, status
    on conflict (board_id, column_id, priority, status)
    do update set n = task_counts.n + excluded.n;
    return null;
end
$$;

create function task_counts_after_update() returns trigger language plpgsql as $$
declare
    d record;
begin
    for d in
        select k.board_id, k.column_id, k.priority, k.status, sum(k.delta) as delta
        from (
            select board_id, column_id, priority, status, 1 as delta from new_rows
            union all
            select board_id, column_id, priority, status, -1 as delta from old_rows
        ) k
        group by k.board_id, k.column_id, k.priority, k.status
        having sum(k.delta) <> 0
        order by k.board_id, k.column_id, k.priority, k.status
    loop
        if d.delta > 0 then
            insert into task_counts (board_id, column_id, priority, status, n)
            values (d.board_id, d.column_id, d.priority, d.status, d.delta)
            on conflict (board_id, column_id, priority, status)
            do update set n = task_counts.n + excluded.n;
        else
            update task_counts set n = n + d.delta
            where board_id = d.board_id and column_id = d.column_id
              and priority = d.priority and status = d.status;
        end if;
    end loop;
    return null;
end
$$;

create function task_counts_after_delete() returns trigger language plpgsql as $$
declare
    d record;
begin
    for d in
        select board_id, column_id, priority, status, count(*) as removed
        from old_rows
        group by board_id, column_id, priority, status
        order by board_id, column_id, priority, status
    loop
        update task_counts set n = n - d.removed
        where board_id = d.board_id and column_id = d.column_id
          and priority = d.priority and status = d.status;
    end loop;
    return null;
end
$$;

-- Truncating tasks (tests, restores) empties every count.
create function task_counts_after_truncate() returns trigger language plpgsql as $$
begin
    delete from task_counts;
    return null;
end
$$;

-- Recomputes every count from the tasks themselves: the backfill below, and the repair after a
-- bulk load that ran with triggers disabled (session_replication_role = replica).
create function task_counts_rebuild() returns void language sql as $$
    delete from task_counts;
    insert into task_counts (board_id, column_id, priority, status, n)
    select board_id, column_id, priority, status, count(*)
    from tasks
    group by board_id, column_id, priority, status;
$$;

-- No write may slip between the backfill and the triggers.
lock table tasks in share row exclusive mode;

select task_counts_rebuild();

create trigger task_counts_insert after insert on tasks
    referencing new table as new_rows
    for each statement execute function task_counts_after_insert();
create trigger task_counts_update after update on tasks
    referencing old table as old_rows new table as new_rows
    for each statement execute function task_counts_after_update();
create trigger task_counts_delete after delete on tasks
    referencing old table as old_rows
    for each statement execute function task_counts_after_delete();
create trigger task_counts_truncate after truncate on tasks
    for each statement execute function task_counts_after_truncate();

-- Time in column: the tasks of a column, longest waiting first.
create index tasks_column_entered_idx on tasks (column_id, column_entered_at);
