-- Identity: credentials, memberships with roles, API tokens, revoked sessions; and row-level security
-- on every tenant table as a second line of defence behind the application's own workspace filter.

alter table users
    add column email text check (email is null or (char_length(email) <= 320 and email ~ '^[^@[:space:]]+@[^@[:space:]]+$')),
    add column password_hash text,
    add column is_admin boolean not null default false,
    add column disabled boolean not null default false,
    add column default_workspace_id bigint references workspaces (id) on delete set null;
create unique index users_email_unique on users (lower(email)) where email is not null;

create table memberships (
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    user_id       bigint not null references users (id) on delete cascade,
    role          text not null check (role in ('admin', 'member', 'agent', 'viewer')),
    created_at    timestamptz not null default now(),
    primary key (workspace_id, user_id)
);
create index memberships_user_idx on memberships (user_id);

-- Only a hash of a token's secret is stored; the secret is shown once, at creation.
create table api_tokens (
    id            bigint generated always as identity primary key,
    user_id       bigint not null references users (id) on delete cascade,
    name          text not null check (char_length(name) between 1 and 100),
    token_hash    text not null unique,
    prefix        text not null,
    scopes        text[] not null check (cardinality(scopes) >= 1 and scopes <@ array['read', 'write', 'admin']),
    expires_at    timestamptz,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    created_at    timestamptz not null default now()
);
create index api_tokens_user_idx on api_tokens (user_id);

-- Signed-in sessions ended by logout before their expiry.
create table revoked_sessions (
    jti         text primary key,
    expires_at  timestamptz not null
);

-- The default tags of a new workspace are written on the workspace's behalf, whatever workspace the
-- creating transaction is bound to.
alter function insert_default_tags(bigint) security definer;
alter function workspaces_after_insert() security definer;

-- Row-level security: a transaction sees only the rows of the workspace it is bound to
-- (kanban.workspace_id, set by the application per transaction).
create function kanban_workspace() returns bigint language sql stable as $$
    select nullif(current_setting('kanban.workspace_id', true), '')::bigint
$$;

do $$
declare
    t text;
begin
    foreach t in array array['boards', 'board_columns', 'tasks', 'tags', 'task_tags', 'comments', 'evidence',
                             'task_history', 'outbox_events']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy workspace_isolation on %I using (workspace_id = kanban_workspace())'
                       ' with check (workspace_id = kanban_workspace())', t);
    end loop;
end
$$;

-- The role the application switches to inside every transaction. It is not the tables' owner and
-- has no BYPASSRLS, so the policies hold even when the connecting user is a superuser. Creating it
-- needs CREATEROLE; where the migration user lacks it, FORCE ROW LEVEL SECURITY above still binds a
-- non-superuser owner.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'kanban_app') then
        create role kanban_app nologin;
    end if;
    execute format('grant kanban_app to %I', current_user);
exception
    when duplicate_object or unique_violation then
        null; -- another database of this cluster created it at the same moment
    when insufficient_privilege then
    raise notice 'kanban_app role not created (insufficient privilege); relying on FORCE ROW LEVEL SECURITY';
end
$$;

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant usage on schema public to kanban_app';
        execute 'grant select, insert, update, delete on all tables in schema public to kanban_app';
        execute 'grant usage, select on all sequences in schema public to kanban_app';
        execute 'grant execute on all functions in schema public to kanban_app';
        execute format('alter default privileges for role %I in schema public grant select, insert, update, delete on tables to kanban_app', current_user);
        execute format('alter default privileges for role %I in schema public grant usage, select on sequences to kanban_app', current_user);
    end if;
end
$$;
