-- Hints (SPEC §3, §4, §8): suggestions for a task that a person or an agent applies or dismisses. The
-- worker proposes them over the API; source_key makes a retried push land once per workspace.

create table hints (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    task_id       bigint not null references tasks (id) on delete cascade,
    type          text not null
                  check (type in ('title', 'description', 'priority', 'tags', 'epic', 'actions', 'duplicate', 'stale', 'wip')),
    status        text not null default 'pending' check (status in ('pending', 'applied', 'dismissed')),
    message       text not null check (char_length(message) between 1 and 2000 and message ~ '[^[:space:]]'),
    -- the proposed change, e.g. {"priority": "high"} or {"tags": ["bug"]}; {} for informational hints
    suggestion    jsonb not null default '{}'::jsonb
                  check (jsonb_typeof(suggestion) = 'object' and pg_column_size(suggestion) <= 16384),
    source        text not null check (char_length(source) between 1 and 200),
    source_key    text check (char_length(source_key) between 1 and 200),
    created_at    timestamptz not null default now(),
    resolved_at   timestamptz,
    resolved_by   text check (char_length(resolved_by) <= 200),
    -- a pending hint is unresolved; an applied or dismissed one says when and by whom
    constraint hints_resolution check ((status = 'pending') = (resolved_at is null) and (resolved_at is null) = (resolved_by is null))
);
create unique index hints_source_key_unique on hints (workspace_id, source_key) where source_key is not null;
create index hints_task_idx on hints (task_id, status, id);
create index hints_workspace_idx on hints (workspace_id, id);

-- row-level security and grants exactly like the other tenant tables (V2__identity.sql)
alter table hints enable row level security;
alter table hints force row level security;
create policy workspace_isolation on hints using (workspace_id = kanban_workspace())
    with check (workspace_id = kanban_workspace());

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on hints to kanban_app';
        execute 'grant usage, select on all sequences in schema public to kanban_app';
    end if;
end
$$;
