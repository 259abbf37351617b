-- Work breakdown (issue 14): ordered checklist items of a task. Positions are gap-based like the
-- tasks' own (task/Position); every change bumps the task's version (If-Match on the task).
create table checklist_items (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    task_id       bigint not null references tasks (id) on delete cascade,
    position      bigint not null,
    text          text not null check (char_length(text) between 1 and 500 and text ~ '[^[:space:]]'),
    done          boolean not null default false,
    assignee      text check (char_length(assignee) <= 200),
    due_date      timestamptz,
    created_by    text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    -- deferrable so a rare renumbering can rewrite a checklist in one statement
    constraint checklist_items_position_unique unique (task_id, position) deferrable initially immediate
);
create index checklist_items_workspace_idx on checklist_items (workspace_id, id);

create trigger checklist_items_touch before update on checklist_items
    for each row execute function touch_updated_at();

-- row-level security and grants exactly like the other tenant tables (V2__identity.sql)
alter table checklist_items enable row level security;
alter table checklist_items force row level security;
create policy workspace_isolation on checklist_items using (workspace_id = kanban_workspace())
    with check (workspace_id = kanban_workspace());

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on checklist_items to kanban_app';
        execute 'grant usage, select on all sequences in schema public to kanban_app';
    end if;
end
$$;
