-- Live updates, the change feed and webhooks: everything reads the durable outbox (outbox_events).

-- 1. Outbox ids are drawn only after the inserting transaction has its transaction id (xid).
--
-- The change feed hands out events in id order and calls ids up to a watermark W "final" once every
-- transaction that could still commit an id <= W has ended (see events/FeedHorizon). That proof needs
-- "a transaction holding id N got its xid before drawing N". With an identity column PostgreSQL draws
-- the id while forming the row, before the tx_id default pg_current_xact_id() assigns the xid, so a
-- transaction whose first write is the outbox insert would break it for a few microseconds. The id
-- default therefore takes the xid first, then draws from the sequence. CACHE 1 (the default) matters
-- too: the sequence's last_value must be the highest id any session has drawn.
do $$
declare
    identity_seq text := pg_get_serial_sequence('outbox_events', 'id');
    last bigint;
    called boolean;
begin
    execute format('select last_value, is_called from %s', identity_seq) into last, called;
    alter table outbox_events alter column id drop identity;
    create sequence outbox_events_id_seq as bigint cache 1 owned by outbox_events.id;
    perform setval('outbox_events_id_seq', last, called);
end
$$;

create function outbox_next_id() returns bigint language plpgsql volatile as $$
begin
    perform pg_current_xact_id();
    return nextval('outbox_events_id_seq');
end
$$;

alter table outbox_events alter column id set default outbox_next_id();

-- 2. Wake-up signal for every instance's dispatcher: sent at commit, once per transaction (PostgreSQL
-- folds identical notifications of one transaction). A lost signal only delays delivery until the
-- dispatcher's next poll; the outbox, not the signal, is what gets delivered.
create function outbox_events_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('kanban_events', '');
    return null;
end
$$;

create trigger outbox_events_notify after insert on outbox_events
    for each statement execute function outbox_events_notify();

-- 3. Retention: old events are deleted by a scheduled job; the highest deleted id is kept so that a
-- reader whose cursor points into the deleted range gets a clear 410 instead of a silent gap.
create table outbox_retention (
    singleton       boolean primary key default true check (singleton),
    purged_through  bigint not null,
    purged_at       timestamptz not null default now()
);

-- 4. System work on the outbox: the dispatchers (which deliver every workspace's events to their
-- own subscribers, filtering per subscriber in memory) and the retention job read and delete across
-- workspaces. They run outside tenant transactions and say so with kanban.system; tenant transactions
-- never set it. (A superuser pool bypasses row-level security anyway; this keeps a non-superuser
-- owner, which FORCE ROW LEVEL SECURITY binds, working.)
create policy system_read on outbox_events for select
    using (current_setting('kanban.system', true) = 'on');
create policy system_retention on outbox_events for delete
    using (current_setting('kanban.system', true) = 'on');

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant usage, select on sequence outbox_events_id_seq to kanban_app';
        execute 'grant select, insert, update, delete on outbox_retention to kanban_app';
    end if;
end
$$;

-- 5. Webhooks: per-workspace subscriptions, and a durable delivery log. A fan-out job turns outbox
-- events into deliveries (one row per webhook and event, idempotent) and advances its own cursor in
-- the same transaction; senders claim due deliveries with a lease, so a delivery survives a crash or
-- restart of the instance that was sending it (at-least-once).
create table webhooks (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    url           text not null check (char_length(url) between 1 and 2000 and url ~ '^https?://'),
    event_types   text[] not null default '{}',
    board_id      bigint references boards (id) on delete cascade,
    secret        text not null check (char_length(secret) between 16 and 200),
    active        boolean not null default true,
    created_by    text not null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create index webhooks_workspace_idx on webhooks (workspace_id, id);

create table webhook_deliveries (
    id               bigint generated always as identity primary key,
    workspace_id     bigint not null references workspaces (id) on delete cascade,
    webhook_id       bigint not null references webhooks (id) on delete cascade,
    event_id         bigint not null,
    event_type       text not null,
    payload          jsonb not null,
    status           text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts         integer not null default 0,
    queued_at        timestamptz not null default now(),
    next_attempt_at  timestamptz not null default now(),
    last_attempt_at  timestamptz,
    response_code    integer,
    last_error       text,
    delivered_at     timestamptz,
    unique (webhook_id, event_id)
);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_log_idx on webhook_deliveries (webhook_id, id);

-- How far the fan-out has turned outbox events into deliveries.
create table webhook_cursor (
    singleton  boolean primary key default true check (singleton),
    position   bigint not null
);
insert into webhook_cursor (position) values (0);

do $$
declare
    t text;
begin
    foreach t in array array['webhooks', 'webhook_deliveries']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy workspace_isolation on %I using (workspace_id = kanban_workspace())'
                       ' with check (workspace_id = kanban_workspace())', t);
        -- fan-out and sending are system work across workspaces (see events/SystemTransactions)
        execute format('create policy system_work on %I using (current_setting(''kanban.system'', true) = ''on'')'
                       ' with check (current_setting(''kanban.system'', true) = ''on'')', t);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on webhooks, webhook_deliveries, webhook_cursor to kanban_app';
    end if;
end
$$;
