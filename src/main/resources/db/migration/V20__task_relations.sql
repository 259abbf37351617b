-- Work breakdown (issue 14): relations between tasks of one workspace (any boards).
--   blocks       from_task blocks to_task (to_task is blocked_by from_task) while from_task is open
--   parent       from_task is the parent of to_task (a subtask); a task has at most one parent
--   relates_to   symmetric, stored once with from_task_id < to_task_id
--   duplicate_of from_task is a duplicate of to_task
-- Cycles (of blocks, of parents) and the nesting depth are checked by the application, which
-- serialises a workspace's relation writes on an advisory lock (task/Relations).
create table task_relations (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    kind          text not null check (kind in ('blocks', 'parent', 'relates_to', 'duplicate_of')),
    from_task_id  bigint not null references tasks (id) on delete cascade,
    to_task_id    bigint not null references tasks (id) on delete cascade,
    created_by    text,
    created_at    timestamptz not null default now(),
    check (from_task_id <> to_task_id),
    check (kind <> 'relates_to' or from_task_id < to_task_id),
    unique (kind, from_task_id, to_task_id)
);
create unique index task_relations_one_parent on task_relations (to_task_id) where kind = 'parent';
create index task_relations_to_idx on task_relations (to_task_id, kind);
create index task_relations_workspace_idx on task_relations (workspace_id, id);

-- row-level security and grants exactly like the other tenant tables (V2__identity.sql)
alter table task_relations enable row level security;
alter table task_relations force row level security;
create policy workspace_isolation on task_relations using (workspace_id = kanban_workspace())
    with check (workspace_id = kanban_workspace());

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on task_relations to kanban_app';
        execute 'grant usage, select on all sequences in schema public to kanban_app';
    end if;
end
$$;
