-- Board templates saved by a workspace (issue 17, seed 003's "task templates"): the columns with
-- their kinds and WIP limits, the tags, and optional sample cards with their checklists, as one JSON
-- document (the built-in templates live in the code: template/BuiltInTemplates.java).
create table board_templates (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    name          text not null check (char_length(name) between 1 and 200),
    description   text check (char_length(description) <= 2000),
    content       jsonb not null check (jsonb_typeof(content) = 'object' and pg_column_size(content) <= 262144),
    created_by    text,
    created_at    timestamptz not null default now()
);
create unique index board_templates_name_unique on board_templates (workspace_id, lower(name));

alter table board_templates enable row level security;
alter table board_templates force row level security;
create policy workspace_isolation on board_templates using (workspace_id = kanban_workspace())
    with check (workspace_id = kanban_workspace());

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on board_templates to kanban_app';
        execute 'grant usage, select on all sequences in schema public to kanban_app';
    end if;
end
$$;
