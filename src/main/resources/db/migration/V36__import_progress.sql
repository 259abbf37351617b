-- How far a running import is (issue 17: "progress for large files"). The import itself is one
-- transaction, invisible until it commits; its progress is written beside it by the importing
-- instance, on short transactions of its own (transfer/ImportProgress), so that the page that started
-- it can ask any instance behind the load balancer. Only the person who started it and the
-- workspace's admins read it; rows are deleted a day after their last change.
create table import_progress (
    id            uuid primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    started_by    text not null,
    format        text not null check (format in ('todo-md', 'csv', 'trello', 'json')),
    dry_run       boolean not null,
    unit          text not null check (char_length(unit) between 1 and 20),
    done          integer not null default 0 check (done >= 0),
    total         integer check (total >= 0),
    state         text not null default 'running' check (state in ('running', 'finished', 'failed')),
    detail        text check (char_length(detail) <= 2000),
    started_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create index import_progress_updated on import_progress (updated_at);
-- started_by: the actor of the request that started it (as saved views name their owner)

alter table import_progress enable row level security;
alter table import_progress force row level security;
-- requests read their workspace's rows; the progress writer and the clean-up are system work (they
-- run beside the import's transaction, bound to no workspace, see V15)
create policy workspace_isolation on import_progress using (workspace_id = kanban_workspace())
    with check (workspace_id = kanban_workspace());
create policy system_work on import_progress using (kanban_system()) with check (kanban_system());

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on import_progress to kanban_app';
    end if;
end
$$;
