-- Sign-in for organisations (issue 18): the security log (identity_audit, V12) gains the caller's
-- address and an index for browsing by time; signed-in sessions are listed (and can be ended one by
-- one); TOTP two-factor authentication with hashed one-time recovery codes; a workspace can require
-- two-factor sign-in; invitations can be links with a single-use, expiring secret.

alter table identity_audit add column address text check (address is null or char_length(address) <= 100);
create index identity_audit_at_idx on identity_audit (at, id);

-- Every signed-in session (password, SSO, LDAP, named agent session), by its JWT id. Ending one inserts
-- its jti into revoked_sessions (the existing revocation path, which NOTIFYs kanban_access).
create table user_sessions (
    id            bigint generated always as identity primary key,
    jti           text not null unique,
    user_id       bigint not null references users (id) on delete cascade,
    kind          text not null check (char_length(kind) between 1 and 20),
    method        text not null check (char_length(method) between 1 and 20),
    two_factor    boolean not null default false,
    address       text check (address is null or char_length(address) <= 100),
    user_agent    text check (user_agent is null or char_length(user_agent) <= 300),
    created_at    timestamptz not null default now(),
    last_used_at  timestamptz,
    expires_at    timestamptz not null,
    ended_at      timestamptz
);
create index user_sessions_user_idx on user_sessions (user_id, expires_at);

-- A user's TOTP secret (RFC 6238), encrypted with a key derived from SECRET_KEY. confirmed_at is set
-- by the first valid code; last_step is the time step of the last code accepted, so that a code is
-- used once within its window.
create table user_two_factor (
    user_id       bigint primary key references users (id) on delete cascade,
    secret        text not null,
    confirmed_at  timestamptz,
    last_step     bigint not null default 0,
    created_at    timestamptz not null default now()
);

-- Ten one-time recovery codes per enrolment; only their SHA-256 is stored.
create table user_recovery_codes (
    id         bigint generated always as identity primary key,
    user_id    bigint not null references users (id) on delete cascade,
    code_hash  text not null,
    used_at    timestamptz,
    unique (user_id, code_hash)
);

alter table workspaces add column require_two_factor boolean not null default false;

-- An invitation can be a link: its secret's SHA-256, when it expires, and the address it was meant for.
alter table workspace_invitations
    add column token_hash text unique,
    add column expires_at timestamptz,
    add column email text check (email is null or char_length(email) <= 320),
    alter column username drop not null,
    add constraint workspace_invitations_named_or_link check (username is not null or token_hash is not null);
-- a link invitation names nobody: the uniqueness by name holds for named invitations only
drop index workspace_invitations_unique;
create unique index workspace_invitations_unique on workspace_invitations (workspace_id, lower(username))
    where token_hash is null;

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on user_sessions, user_two_factor, user_recovery_codes to kanban_app';
    end if;
end
$$;
