-- Archive and trash (issue 17; soft delete of seed 003).
--
-- An archived task is hidden from the board and the default lists but readable and searchable
-- (archived=true); a deleted task goes to the trash: invisible everywhere (404 on GET, left out of
-- counts, statistics and exports unless asked for), restorable for TRASH_RETENTION_DAYS, then purged.
--
-- A task off the board has no position (null): the column's strict order (the deferrable unique
-- constraint) covers only the tasks on the board, so a hidden task never collides with a placement,
-- and "on the board" is one condition, position is not null, that the check below ties to the two
-- timestamps. Restoring places the task at the end of its column.
alter table tasks
    add column archived_at timestamptz,
    add column archived_by text,
    add column deleted_at  timestamptz,
    add column deleted_by  text;
alter table tasks alter column position drop not null;
alter table tasks add constraint tasks_off_board_has_no_position
    check ((position is null) = (archived_at is not null or deleted_at is not null));

create index tasks_archived_idx on tasks (workspace_id, archived_at) where archived_at is not null;
create index tasks_trash_idx on tasks (workspace_id, deleted_at) where deleted_at is not null;

-- Boards can be archived too: hidden from the board list unless asked for, restorable.
alter table boards add column archived_at timestamptz;

-- The counters of V4 count the tasks on the board only (what the board state and its statistics
-- show); archiving, trashing and restoring are updates that move a task in or out of the counts.
create or replace function task_counts_after_insert() returns trigger language plpgsql as $$
begin
    insert into task_counts (board_id, column_id, priority, status, n)
    select board_id, column_id, priority, status, count(*)
    from new_rows
    where position is not null
    group by board_id, column_id, priority, status
    order by board_id, column_id, priority, status
    on conflict (board_id, column_id, priority, status)
    do update set n = task_counts.n + excluded.n;
    return null;
end
$$;

create or replace function task_counts_after_update() returns trigger language plpgsql as $$
declare
    d record;
begin
    for d in
        select k.board_id, k.column_id, k.priority, k.status, sum(k.delta) as delta
        from (
            select board_id, column_id, priority, status, 1 as delta from new_rows where position is not null
            union all
            select board_id, column_id, priority, status, -1 as delta from old_rows where position is not null
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

create or replace function task_counts_after_delete() returns trigger language plpgsql as $$
declare
    d record;
begin
    for d in
        select board_id, column_id, priority, status, count(*) as removed
        from old_rows
        where position is not null
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

create or replace function task_counts_rebuild() returns void language sql as $$
    delete from task_counts;
    insert into task_counts (board_id, column_id, priority, status, n)
    select board_id, column_id, priority, status, count(*)
    from tasks
    where position is not null
    group by board_id, column_id, priority, status;
$$;

-- The audit trail: archiving, trashing and restoring are history rows of their own; removing a row
-- that is in the trash is its purge (the deletion was recorded when it went to the trash).
create or replace function tasks_audit() returns trigger language plpgsql as $$
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
    if new.column_id is distinct from old.column_id then
        perform record_task_change(new, 'column', old.column_id::text, new.column_id::text, 'moved');
    end if;
    if new.status is distinct from old.status then
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
    return null;
end
$$;
