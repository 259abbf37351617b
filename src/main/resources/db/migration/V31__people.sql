-- People in the loop (issue 15): member assignees, watchers, mentions, the inbox and reminders.

-- 1. Assignees are members. tasks.assignee (seed 002's free-text name) stays readable and writable:
-- a name that matches a member of the task's workspace (username, else display name; case-insensitive)
-- maps to that member. The mapping is a trigger, so every path that writes the name (PATCH, claims,
-- bulk assign, imports) maps it the same way; the assignee API writes several members itself and
-- says so with kanban.assignees_managed.
create table task_assignees (
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    task_id       bigint not null references tasks (id) on delete cascade,
    user_id       bigint not null references users (id) on delete cascade,
    added_at      timestamptz not null default clock_timestamp(),
    -- whether the notification fan-out has told the member yet (it sets this as it does)
    notified      boolean not null default false,
    primary key (task_id, user_id)
);
create index task_assignees_user_idx on task_assignees (user_id, task_id);
create index task_assignees_workspace_idx on task_assignees (workspace_id, task_id);
create index task_assignees_pending_idx on task_assignees (task_id) where not notified;

create function member_for_name(ws bigint, name text) returns bigint language sql stable as $$
    select u.id from users u join memberships m on m.user_id = u.id and m.workspace_id = ws
    where lower(u.username) = lower(btrim(name)) or lower(u.display_name) = lower(btrim(name))
    order by (lower(u.username) = lower(btrim(name))) desc, u.id
    limit 1
$$;

create function tasks_sync_assignees() returns trigger language plpgsql as $$
declare
    member bigint;
begin
    if coalesce(current_setting('kanban.assignees_managed', true), '') = 'on' then
        return null;
    end if;
    if tg_op = 'UPDATE' then
        if new.assignee is not distinct from old.assignee then
            return null;
        end if;
        delete from task_assignees where task_id = new.id;
    end if;
    if new.assignee is not null then
        member := member_for_name(new.workspace_id, new.assignee);
        if member is not null then
            insert into task_assignees (workspace_id, task_id, user_id) values (new.workspace_id, new.id, member)
            on conflict do nothing;
        end if;
    end if;
    return null;
end
$$;

create trigger tasks_sync_assignees after insert or update of assignee on tasks
    for each row execute function tasks_sync_assignees();

-- existing names are migrated the same way (already "notified": nobody is told about old assignments)
insert into task_assignees (workspace_id, task_id, user_id, notified)
select t.workspace_id, t.id, m.user_id, true
from tasks t cross join lateral (select member_for_name(t.workspace_id, t.assignee) as user_id) m
where t.assignee is not null and m.user_id is not null;

-- 2. Watchers: who hears about a task's changes. Creator, assignees, commenters and mentioned
-- members are added by the notification fan-out; an explicit unwatch is kept (watching = false) so
-- that the automatic rules do not add the member back.
create table task_watchers (
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    task_id       bigint not null references tasks (id) on delete cascade,
    user_id       bigint not null references users (id) on delete cascade,
    watching      boolean not null default true,
    reason        text not null check (reason in ('creator', 'assignee', 'commenter', 'mentioned', 'manual')),
    created_at    timestamptz not null default now(),
    primary key (task_id, user_id)
);
create index task_watchers_user_idx on task_watchers (user_id);
create index task_watchers_workspace_idx on task_watchers (workspace_id, task_id);

-- Mentions already notified, per task, member and source ('description' or 'comment:<id>'): editing
-- a text notifies only the members it newly mentions.
create table task_mentions (
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    task_id       bigint not null references tasks (id) on delete cascade,
    user_id       bigint not null references users (id) on delete cascade,
    source        text not null check (char_length(source) <= 100),
    created_at    timestamptz not null default now(),
    primary key (task_id, user_id, source)
);
create index task_mentions_workspace_idx on task_mentions (workspace_id, task_id);

-- 3. The inbox: one row per member and outbox event at most (unique), so the fan-out, which may see
-- an event twice (at least once), never notifies twice.
create table notifications (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    user_id       bigint not null references users (id) on delete cascade,
    event_id      bigint not null,
    kind          text not null check (kind in ('assigned', 'mentioned', 'commented', 'moved', 'completed',
                                                'due_soon', 'overdue', 'unblocked', 'rule')),
    task_id       bigint,
    board_id      bigint,
    actor         text not null,
    title         text check (char_length(title) <= 500),
    excerpt       text check (char_length(excerpt) <= 500),
    created_at    timestamptz not null default now(),
    read_at       timestamptz,
    unique (user_id, event_id)
);
create index notifications_inbox_idx on notifications (user_id, workspace_id, id);
create index notifications_unread_idx on notifications (user_id, workspace_id) where read_at is null;
create index notifications_workspace_idx on notifications (workspace_id, id);

-- Every instance delivers new inbox rows live to its own connections; this wakes them at commit.
create function notifications_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('kanban_inbox', '');
    return null;
end
$$;
create trigger notifications_notify after insert on notifications
    for each statement execute function notifications_notify();

-- How far the fan-out has turned outbox events into notifications (one row; created on first use).
create table notification_cursor (
    singleton  boolean primary key default true check (singleton),
    position   bigint not null
);

-- 4. Reminders: one claim per task, kind and due date. Whichever instance inserts the claim appends
-- the reminder's event in the same transaction; the others find the claim and do nothing.
create table task_reminders (
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    task_id       bigint not null references tasks (id) on delete cascade,
    kind          text not null check (kind in ('due_soon', 'overdue')),
    due_date      timestamptz not null,
    claimed_at    timestamptz not null default now(),
    primary key (task_id, kind, due_date)
);
create index task_reminders_workspace_idx on task_reminders (workspace_id, task_id);

-- 5. Row-level security like the other tenant tables, plus system work: the fan-out and the reminder
-- scan read and write across workspaces outside tenant transactions (kanban_system(), V15).
do $$
declare
    t text;
begin
    foreach t in array array['task_assignees', 'task_watchers', 'task_mentions', 'notifications', 'task_reminders']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy workspace_isolation on %I using (workspace_id = kanban_workspace())'
                       ' with check (workspace_id = kanban_workspace())', t);
        execute format('create policy system_work on %I using (kanban_system()) with check (kanban_system())', t);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on task_assignees, task_watchers, task_mentions, notifications,'
                ' task_reminders, notification_cursor to kanban_app';
        execute 'grant usage, select on all sequences in schema public to kanban_app';
    end if;
end
$$;
-- the fan-out and the reminder scan read tasks (titles, due dates) across workspaces
create policy system_read on tasks for select using (kanban_system());
