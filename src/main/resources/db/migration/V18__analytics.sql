-- Flow analytics (docs/analytics.md) and the record of bulk operations (seed 002).
--
-- 1. Every audit row now names the column the task is in after the change (for a deletion: the
--    column it was deleted from). Before, a creation row did not name its column, and a task deleted
--    without ever moving left no trace of where it had been, so cumulative flow could not be exact.
alter table task_history add column column_id bigint;

create or replace function record_task_change(t tasks, field text, old_value text, new_value text, action text)
    returns void language sql as $$
    insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor, column_id)
    values (t.workspace_id, t.board_id, t.id, action, field, old_value, new_value, kanban_actor(), t.column_id)
$$;

-- Backfill what the old rows imply: a creation happened in the column the first move left (or, never
-- moved, the column the task is in now); a deletion in the column of the last move before it (or of
-- the creation). A task deleted before this migration without ever moving stays unknown (null).
update task_history h
set column_id = coalesce(
        (select m.old_value::bigint from task_history m
          where m.task_id = h.task_id and m.action = 'moved' and m.field = 'column' and m.id > h.id
            and m.old_value ~ '^[0-9]{1,18}$'
          order by m.id limit 1),
        (select t.column_id from tasks t where t.id = h.task_id))
where h.action = 'created';

update task_history h
set column_id = coalesce(
        (select m.new_value::bigint from task_history m
          where m.task_id = h.task_id and m.action = 'moved' and m.field = 'column' and m.id < h.id
            and m.new_value ~ '^[0-9]{1,18}$'
          order by m.id desc limit 1),
        (select c.column_id from task_history c
          where c.task_id = h.task_id and c.action = 'created' and c.id < h.id
          order by c.id limit 1))
where h.action = 'deleted';

update task_history set column_id = new_value::bigint
where action = 'moved' and field = 'column' and new_value ~ '^[0-9]{1,18}$';

-- Analytics read the flow rows (creations, moves, status changes, deletions) of a board's tasks.
create index task_history_flow_idx on task_history (board_id, task_id)
    where action in ('created', 'moved', 'status_changed', 'deleted');

-- 2. Bulk operations (POST /api/v1/bulk/tasks/...) with their per-item results, for
--    GET /api/v1/bulk/operations/status.
create table bulk_operations (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    operation     text not null check (operation in ('move', 'priority', 'assign')),
    actor         text not null,
    requested     integer not null check (requested >= 0),
    successful    integer not null check (successful >= 0),
    failed        integer not null check (failed >= 0),
    -- [{"task_id": 1, "success": true}, {"task_id": 2, "success": false, "error": "..."}]
    results       jsonb not null check (jsonb_typeof(results) = 'array'),
    started_at    timestamptz not null,
    finished_at   timestamptz not null default now(),
    check (successful + failed = requested)
);
create index bulk_operations_workspace_idx on bulk_operations (workspace_id, id);

-- row-level security and grants exactly like the other tenant tables (V2__identity.sql)
alter table bulk_operations enable row level security;
alter table bulk_operations force row level security;
create policy workspace_isolation on bulk_operations using (workspace_id = kanban_workspace())
    with check (workspace_id = kanban_workspace());

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on bulk_operations to kanban_app';
        execute 'grant usage, select on all sequences in schema public to kanban_app';
    end if;
end
$$;
