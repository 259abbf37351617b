-- Custom fields (issue 17): typed fields defined per board, their values on the task.
--
-- The values live in one jsonb object on the task, keyed by the field's id (a rename touches no task,
-- a deleted field's stale key is never read again: ids are not reused), so a task read returns them in
-- its one statement (TaskQueries.SELECT joins the board's definitions for their names). The service
-- validates each value against its field's type before it is written; the check here only bounds
-- the object's shape and size.
create table custom_fields (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    board_id      bigint not null references boards (id) on delete cascade,
    name          text not null check (char_length(name) between 1 and 60 and name = btrim(name)),
    type          text not null check (type in ('text', 'number', 'date', 'single_select', 'multi_select',
                                                'checkbox', 'member', 'url')),
    options       jsonb not null default '[]'::jsonb
                  check (jsonb_typeof(options) = 'array' and pg_column_size(options) <= 16384),
    visible       boolean not null default false,
    position      integer not null default 0,
    created_at    timestamptz not null default now()
);
create unique index custom_fields_name_unique on custom_fields (board_id, lower(name));
create index custom_fields_workspace_idx on custom_fields (workspace_id);

alter table custom_fields enable row level security;
alter table custom_fields force row level security;
create policy workspace_isolation on custom_fields using (workspace_id = kanban_workspace())
    with check (workspace_id = kanban_workspace());

alter table tasks add column custom_fields jsonb not null default '{}'::jsonb
    constraint tasks_custom_fields_shape
    check (jsonb_typeof(custom_fields) = 'object' and pg_column_size(custom_fields) <= 65536);

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on custom_fields to kanban_app';
        execute 'grant usage, select on all sequences in schema public to kanban_app';
    end if;
end
$$;

-- The audit trail records a changed field value like any other field of the task.
create or replace function tasks_audit() returns trigger language plpgsql as $$
declare
    k text;
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
    if new.custom_fields is distinct from old.custom_fields then
        -- one row per field whose value changed, named by the field's name (fields.<name>)
        for k in select key from jsonb_each(new.custom_fields) union select key from jsonb_each(old.custom_fields) loop
            if (new.custom_fields -> k) is distinct from (old.custom_fields -> k) then
                perform record_task_change(new,
                    'fields.' || coalesce((select f.name from custom_fields f
                                           where f.id = case when k ~ '^[0-9]{1,18}$' then k::bigint end), k),
                    old.custom_fields ->> k, new.custom_fields ->> k, 'updated');
            end if;
        end loop;
    end if;
    return null;
end
$$;
