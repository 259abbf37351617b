-- Issue #19: a move's and an update's PostgreSQL time (docs/benchmarks.md, "Fewer index entries and no
-- shared workspace lock per write").
--
-- 1. The indexes of tasks. A move or an update is never a HOT update (column_id, position, title and
-- updated_at are indexed), so every index of the table gets an entry for every new row version,
-- whether its columns changed or not. Fourteen indexes took one on every version; these are gone or
-- merged:
--   - (workspace_id, status) and (workspace_id, priority): the list's status and priority filters are
--     written against the sort keys' expressions (TaskQueries.where), which the sort indexes carry;
--   - the sort indexes carry id last: the list orders by (key, id), and an index without id made
--     PostgreSQL read and sort the whole first key group (20,001 rows for `sort=priority` at 100,000
--     tasks) for a page of 100;
--   - (workspace_id, id): the list in id order reads the primary key (every workspace-wide list filters
--     on workspace_id, which each remaining workspace-led index also leads with);
--   - (workspace_id, owner): owner has two values, a filter on it is never selective enough for an
--     index to beat reading the rows in order.
drop index tasks_status_idx;
drop index tasks_priority_idx;
drop index tasks_workspace_idx;
drop index tasks_owner_idx;
drop index tasks_priority_sort_idx;
create index tasks_priority_sort_idx on tasks (workspace_id, priority_rank(priority), id);
drop index tasks_status_sort_idx;
create index tasks_status_sort_idx on tasks (workspace_id,
    array_position(array['pending','in_progress','completed','cancelled'], status), id);

-- 2. The rows every write appends (history, outbox event, flow figures) referred to their workspace by
-- a foreign key: each insert checked it with `select 1 from workspaces ... for key share`, 7.4 times per
-- move, and concurrent writers of one workspace shared that row's lock (a MultiXact, written to the WAL).
-- A writer of these rows has already locked the task (or, for other events, the row it changed) in the
-- same transaction, and the task is what the workspace's deletion removes first; the rows are now
-- removed by the deletion itself, after the foreign keys' cascades (triggers fire in name order, and
-- "RI_ConstraintTrigger..." comes before "workspaces_..."): a writer that held a task of the workspace
-- has committed by then, so its rows are seen and removed. Row-level security binds the function's
-- owner too (forced), so, like insert_default_tags (V15), it binds its statements to the deleted
-- workspace and restores the transaction's own binding afterwards.
alter table task_history drop constraint task_history_workspace_id_fkey;
alter table outbox_events drop constraint outbox_events_workspace_id_fkey;
alter table flow_tasks drop constraint flow_tasks_workspace_id_fkey;
alter table flow_spans drop constraint flow_spans_workspace_id_fkey;
alter table flow_counts drop constraint flow_counts_workspace_id_fkey;
alter table flow_counts_daily drop constraint flow_counts_daily_workspace_id_fkey;

create function workspaces_delete_appended_rows() returns trigger language plpgsql security definer as $$
declare
    previous text := current_setting('kanban.workspace_id', true);
begin
    perform set_config('kanban.workspace_id', old.id::text, true);
    -- the history first: its delete trigger recomputes the flow figures of tasks whose workspace
    -- still exists (none here), then the figures themselves
    delete from task_history where workspace_id = old.id;
    delete from outbox_events where workspace_id = old.id;
    delete from flow_tasks where workspace_id = old.id;
    delete from flow_spans where workspace_id = old.id;
    delete from flow_counts where workspace_id = old.id;
    delete from flow_counts_daily where workspace_id = old.id;
    perform set_config('kanban.workspace_id', coalesce(previous, ''), true);
    return null;
end
$$;

create trigger workspaces_delete_appended_rows after delete on workspaces
    for each row execute function workspaces_delete_appended_rows();
