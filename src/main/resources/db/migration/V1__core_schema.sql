-- Core schema: workspaces, boards, columns, tasks, tags, comments, evidence, the audit trail and the outbox.
-- Every tenant row carries workspace_id. Constraints live here, not only in code.

create table workspaces (
    id          bigint generated always as identity primary key,
    slug        text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text not null check (char_length(name) between 1 and 200),
    created_at  timestamptz not null default now()
);

create table users (
    id            bigint generated always as identity primary key,
    username      text not null unique check (username ~ '^[A-Za-z0-9_.@-]{1,100}$'),
    display_name  text check (char_length(display_name) <= 200),
    kind          text not null default 'user' check (kind in ('user', 'agent', 'system')),
    created_at    timestamptz not null default now()
);

create table boards (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    name          text not null check (char_length(name) between 1 and 200),
    description   text check (char_length(description) <= 10000),
    version       integer not null default 1,
    created_by    text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create index boards_workspace_idx on boards (workspace_id, id);

create table board_columns (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    board_id      bigint not null references boards (id) on delete cascade,
    name          text not null check (char_length(name) between 1 and 100),
    position      integer not null check (position >= 0),
    kind          text not null default 'todo'
                  check (kind in ('backlog', 'todo', 'in_progress', 'blocked', 'review', 'done')),
    wip_limit     integer check (wip_limit is null or wip_limit > 0),
    created_at    timestamptz not null default now(),
    -- deferred so that a reorder or a swap of names can pass through an intermediate state
    constraint board_columns_name_unique unique (board_id, name) deferrable initially deferred,
    constraint board_columns_position_unique unique (board_id, position) deferrable initially deferred
);

create table tasks (
    id                   bigint generated always as identity primary key,
    workspace_id         bigint not null references workspaces (id) on delete cascade,
    board_id             bigint not null references boards (id) on delete cascade,
    column_id            bigint not null references board_columns (id),
    position             bigint not null,
    title                text not null check (char_length(title) between 1 and 500),
    description          text check (char_length(description) <= 100000),
    acceptance_criteria  text check (char_length(acceptance_criteria) <= 20000),
    status               text not null default 'pending'
                         check (status in ('pending', 'in_progress', 'completed', 'cancelled')),
    cancel_reason        text check (char_length(cancel_reason) <= 2000),
    priority             text not null default 'medium' check (priority in ('low', 'medium', 'high', 'urgent')),
    epic                 text check (char_length(epic) <= 200),
    area                 text check (char_length(area) <= 200),
    owner                text check (owner in ('user', 'agent')),
    assignee             text check (char_length(assignee) <= 200),
    created_by           text,
    claimed_by           text,
    claim_expires_at     timestamptz,
    due_date             timestamptz,
    occurrence_count     integer not null default 1 check (occurrence_count >= 1),
    metadata             jsonb not null default '{}'::jsonb
                         check (jsonb_typeof(metadata) = 'object' and pg_column_size(metadata) <= 65536),
    version              integer not null default 1,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    column_entered_at    timestamptz not null default now(),
    completed_at         timestamptz,
    search               tsvector generated always as (
                             to_tsvector('english', title || ' ' || coalesce(description, ''))) stored,
    -- strict order inside a column; gap-based positions make a move write one row. Deferrable so a
    -- rare rebalance can renumber a column in one statement.
    constraint tasks_column_position_unique unique (column_id, position) deferrable initially immediate
);
create index tasks_workspace_idx on tasks (workspace_id, id);
create index tasks_board_idx on tasks (board_id, column_id);
create index tasks_status_idx on tasks (workspace_id, status);
create index tasks_priority_idx on tasks (workspace_id, priority);
create index tasks_epic_idx on tasks (workspace_id, epic) where epic is not null;
create index tasks_assignee_idx on tasks (workspace_id, assignee) where assignee is not null;
create index tasks_owner_idx on tasks (workspace_id, owner) where owner is not null;
create index tasks_due_idx on tasks (workspace_id, due_date) where due_date is not null;
create index tasks_open_due_idx on tasks (board_id, due_date)
    where due_date is not null and status in ('pending', 'in_progress');
create index tasks_created_idx on tasks (workspace_id, created_at);
create index tasks_updated_idx on tasks (workspace_id, updated_at);
create index tasks_completed_idx on tasks (board_id, completed_at) where completed_at is not null;
create index tasks_search_idx on tasks using gin (search);

create table tags (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    name          text not null check (char_length(name) between 1 and 50),
    color         text not null default '#6b7280' check (color ~ '^#[0-9a-fA-F]{6}$'),
    created_at    timestamptz not null default now()
);
create unique index tags_name_unique on tags (workspace_id, lower(name));

create table task_tags (
    task_id       bigint not null references tasks (id) on delete cascade,
    tag_id        bigint not null references tags (id) on delete cascade,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    created_at    timestamptz not null default now(),
    primary key (task_id, tag_id)
);
create index task_tags_tag_idx on task_tags (tag_id, task_id);

create table comments (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    task_id       bigint not null references tasks (id) on delete cascade,
    author        text not null,
    body          text not null check (char_length(body) between 1 and 20000),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create index comments_task_idx on comments (task_id, created_at);

create table evidence (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    task_id       bigint not null references tasks (id) on delete cascade,
    kind          text not null check (kind in ('photo', 'note', 'voice', 'measurement', 'file', 'link')),
    note          text check (char_length(note) <= 20000),
    url           text check (char_length(url) <= 2000),
    measurement_value  double precision,
    measurement_unit   text check (char_length(measurement_unit) <= 50),
    filename      text check (char_length(filename) <= 255),
    content_type  text check (char_length(content_type) <= 255),
    size_bytes    bigint check (size_bytes >= 0),
    sha256        text check (sha256 ~ '^[0-9a-f]{64}$'),
    content       bytea,
    latitude      double precision check (latitude between -90 and 90),
    longitude     double precision check (longitude between -180 and 180),
    captured_at   timestamptz,
    created_by    text,
    created_at    timestamptz not null default now(),
    check ((content is null) = (sha256 is null))
);
create index evidence_task_idx on evidence (task_id, created_at);

-- The audit trail. No foreign key to tasks: the record of a deletion outlives the task.
create table task_history (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    board_id      bigint,
    task_id       bigint not null,
    action        text not null,
    field         text,
    old_value     text,
    new_value     text,
    actor         text not null,
    occurred_at   timestamptz not null default now()
);
create index task_history_task_idx on task_history (task_id, id);
create index task_history_board_idx on task_history (board_id, occurred_at);
create index task_history_workspace_idx on task_history (workspace_id, occurred_at);

-- The outbox: every change appends one event in its own transaction. tx_id lets a reader tell
-- which events may still be invisible (a later issue builds the gap-free change feed on it).
create table outbox_events (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    board_id      bigint,
    task_id       bigint,
    type          text not null,
    actor         text not null,
    payload       jsonb not null,
    tx_id         xid8 not null default pg_current_xact_id(),
    occurred_at   timestamptz not null default now()
);
create index outbox_events_workspace_idx on outbox_events (workspace_id, id);
create index outbox_events_board_idx on outbox_events (board_id, id);

create table idempotency_keys (
    workspace_id     bigint not null references workspaces (id) on delete cascade,
    actor            text not null,
    key              text not null check (char_length(key) between 1 and 200),
    request_hash     text not null,
    status           integer,
    response_body    bytea,
    content_type     text,
    location         text,
    created_at       timestamptz not null default now(),
    primary key (workspace_id, actor, key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);

-- The actor of the current transaction, set by the application with set_config('kanban.actor', ..., true).
create function kanban_actor() returns text language sql stable as $$
    select coalesce(nullif(current_setting('kanban.actor', true), ''), 'system')
$$;

-- Timestamps: updated_at on every change, column_entered_at when the column changes,
-- completed_at follows the status, version bumps on every change (optimistic locking).
create function tasks_before_write() returns trigger language plpgsql as $$
declare
    probe tasks;
begin
    if tg_op = 'INSERT' then
        new.created_at := coalesce(new.created_at, now());
        new.updated_at := new.created_at;
        new.column_entered_at := coalesce(new.column_entered_at, now());
        new.version := 1;
        if new.status = 'completed' then
            new.completed_at := coalesce(new.completed_at, now());
        else
            new.completed_at := null;
        end if;
        return new;
    end if;
    -- a pure reorder (position only) is not a change of the task: no new version, no new updated_at
    probe := new;
    probe.position := old.position;
    probe.search := old.search; -- generated columns are not computed yet in a BEFORE trigger
    if probe is not distinct from old then
        return new;
    end if;
    new.updated_at := now();
    new.version := old.version + 1;
    if new.column_id is distinct from old.column_id then
        new.column_entered_at := now();
    end if;
    if new.status = 'completed' and old.status is distinct from 'completed' then
        new.completed_at := coalesce(new.completed_at, now());
    elsif new.status <> 'completed' then
        new.completed_at := null;
    end if;
    return new;
end
$$;

create trigger tasks_before_write before insert or update on tasks
    for each row execute function tasks_before_write();

create function record_task_change(t tasks, field text, old_value text, new_value text, action text)
    returns void language sql as $$
    insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor)
    values (t.workspace_id, t.board_id, t.id, action, field, old_value, new_value, kanban_actor())
$$;

-- One history row per tracked change, with old and new values and the actor of the transaction.
create function tasks_audit() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform record_task_change(new, null, null, new.title, 'created');
        return null;
    end if;
    if tg_op = 'DELETE' then
        -- a whole workspace being deleted takes its audit trail with it
        if exists (select 1 from workspaces w where w.id = old.workspace_id) then
            perform record_task_change(old, null, old.title, null, 'deleted');
        end if;
        return null;
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
    return null;
end
$$;

create trigger tasks_audit after insert or update or delete on tasks
    for each row execute function tasks_audit();

create function touch_updated_at() returns trigger language plpgsql as $$
begin
    if new is distinct from old then
        new.updated_at := now();
    end if;
    return new;
end
$$;

create function boards_before_update() returns trigger language plpgsql as $$
begin
    if new is distinct from old then
        new.updated_at := now();
        new.version := old.version + 1;
    end if;
    return new;
end
$$;

create trigger boards_before_update before update on boards
    for each row execute function boards_before_update();
create trigger comments_touch before update on comments
    for each row execute function touch_updated_at();

-- Every workspace starts with the default tags.
create function insert_default_tags(ws bigint) returns void language sql as $$
    insert into tags (workspace_id, name, color) values
        (ws, 'bug', '#dc2626'),
        (ws, 'feature', '#2563eb'),
        (ws, 'documentation', '#0891b2'),
        (ws, 'urgent', '#ea580c'),
        (ws, 'infrastructure', '#7c3aed')
    on conflict do nothing
$$;

create function workspaces_after_insert() returns trigger language plpgsql as $$
begin
    perform insert_default_tags(new.id);
    return null;
end
$$;

create trigger workspaces_after_insert after insert on workspaces
    for each row execute function workspaces_after_insert();

-- The workspace every request uses until real identities arrive.
insert into workspaces (slug, name) values ('default', 'Default');
