-- Indexes for the task list's sorts that no filter index covers (GET /tasks?sort=title|priority|status),
-- with the same expressions the queries order by.
create index tasks_title_sort_idx on tasks (workspace_id, lower(title));
create index tasks_priority_sort_idx on tasks (workspace_id, array_position(array['low','medium','high','urgent'], priority));
create index tasks_status_sort_idx on tasks (workspace_id, array_position(array['pending','in_progress','completed','cancelled'], status));
