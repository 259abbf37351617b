-- Automation rules (issue 15, seed 004 "Rules", Kanboard's automatic actions): per board, a trigger,
-- optional conditions and a list of actions, each part a JSON document validated by the service
-- (rule/RuleDefinition). Rules run from the outbox (rule/RuleEngine): a fan-out turns committed
-- events into runs (one per rule and event, unique), and each run's actions commit in the same
-- transaction as the run's status, so a redelivered event or a second instance never applies a rule
-- twice. docs/rules.md describes it.
create table rules (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    board_id      bigint not null references boards (id) on delete cascade,
    name          text not null check (char_length(name) between 1 and 100),
    enabled       boolean not null default true,
    trigger       jsonb not null check (jsonb_typeof(trigger) = 'object'),
    conditions    jsonb not null default '{}' check (jsonb_typeof(conditions) = 'object'),
    actions       jsonb not null check (jsonb_typeof(actions) = 'array' and pg_column_size(actions) <= 65536),
    version       bigint not null default 1,
    created_by    text not null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create unique index rules_name_unique on rules (board_id, lower(name));
create index rules_workspace_idx on rules (workspace_id, board_id, id);

-- One row per rule and triggering event (or, for "due date passed", per rule, task and due date):
-- the unique keys are the claims. status: pending (fanned out, not run yet), applied, skipped (the
-- conditions did not hold), failed (an action was refused; nothing of the run was kept), stopped (the
-- loop limit: the event was itself caused by a chain of rule runs as deep as allowed).
create table rule_runs (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    rule_id       bigint not null references rules (id) on delete cascade,
    event_id      bigint,
    task_id       bigint not null,
    due_at        timestamptz,
    depth         integer not null check (depth >= 1),
    status        text not null default 'pending'
                  check (status in ('pending', 'applied', 'skipped', 'failed', 'stopped')),
    detail        text check (char_length(detail) <= 1000),
    queued_at     timestamptz not null default now(),
    finished_at   timestamptz,
    check ((event_id is null) <> (due_at is null))
);
create unique index rule_runs_event_unique on rule_runs (rule_id, event_id) where event_id is not null;
create unique index rule_runs_due_unique on rule_runs (rule_id, task_id, due_at) where due_at is not null;
create index rule_runs_pending_idx on rule_runs (id) where status = 'pending';
create index rule_runs_log_idx on rule_runs (rule_id, id);

-- How far the fan-out has turned outbox events into runs (like webhook_cursor). It starts at the
-- outbox's head: no rule existed before this migration, so no earlier event can start one, and an
-- upgraded database's retained events need not be read through once.
create table rule_cursor (
    singleton  boolean primary key default true check (singleton),
    position   bigint not null
);
insert into rule_cursor (position) select coalesce(max(id), 0) from outbox_events;

-- The depth of the rule chain that caused an event travels with the event: a rule run sets
-- kanban.rule_depth in its transaction, and every event its actions append takes it by default
-- (people's and agents' changes: 0). A stable default adds the column without rewriting the table.
alter table outbox_events add column rule_depth integer not null
    default coalesce(nullif(current_setting('kanban.rule_depth', true), ''), '0')::integer;

do $$
declare
    t text;
begin
    foreach t in array array['rules', 'rule_runs']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy workspace_isolation on %I using (workspace_id = kanban_workspace())'
                       ' with check (workspace_id = kanban_workspace())', t);
        -- the fan-out and the due-date scan are system work across workspaces (events/SystemTransactions)
        execute format('create policy system_work on %I using (kanban_system()) with check (kanban_system())', t);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on rules, rule_runs, rule_cursor to kanban_app';
        execute 'grant usage, select on all sequences in schema public to kanban_app';
    end if;
end
$$;
