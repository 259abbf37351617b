-- Saved views (issue 17): a named set of board filters per user (by username, like every actor in
-- the schema), optionally shared with everyone who can read the board.
create table saved_views (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    board_id      bigint not null references boards (id) on delete cascade,
    owner         text not null,
    name          text not null check (char_length(name) between 1 and 100 and name = btrim(name)),
    filters       jsonb not null check (jsonb_typeof(filters) = 'object' and pg_column_size(filters) <= 8192),
    shared        boolean not null default false,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create unique index saved_views_name_unique on saved_views (board_id, owner, lower(name));
create index saved_views_workspace_idx on saved_views (workspace_id);

alter table saved_views enable row level security;
alter table saved_views force row level security;
create policy workspace_isolation on saved_views using (workspace_id = kanban_workspace())
    with check (workspace_id = kanban_workspace());

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on saved_views to kanban_app';
        execute 'grant usage, select on all sequences in schema public to kanban_app';
    end if;
end
$$;
