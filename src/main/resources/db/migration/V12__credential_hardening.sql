-- Credentials that cannot outlive or outrank their parent, sessions ended by a password change, an
-- audit trail of identity administration, and membership invitations (adding a user by name answers
-- the same whether the user exists or not).

-- A token minted with another API token: revoking the parent revokes it (Identities.revokeToken).
alter table api_tokens add column parent_token_id bigint references api_tokens (id) on delete cascade;
create index api_tokens_parent_idx on api_tokens (parent_token_id) where parent_token_id is not null;

-- Signed-in sessions issued before this moment no longer work, except the one named by session_kept
-- (the session that changed its own password keeps working).
alter table users
    add column sessions_valid_after timestamptz,
    add column session_kept text;

-- Who did what to whose account or membership (password resets by admins, role changes, ...).
create table identity_audit (
    id               bigint generated always as identity primary key,
    at               timestamptz not null default now(),
    actor_user_id    bigint references users (id) on delete set null,
    action           text not null check (char_length(action) between 1 and 100),
    subject_user_id  bigint references users (id) on delete set null,
    workspace_id     bigint references workspaces (id) on delete set null,
    detail           jsonb not null default '{}'
);
create index identity_audit_subject_idx on identity_audit (subject_user_id, at);

-- A workspace admin adding a user who shares no workspace with them (or a name nobody has) records an
-- invitation; the user named accepts it (POST /api/v1/invitations/{id}/accept).
create table workspace_invitations (
    id            bigint generated always as identity primary key,
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    username      text not null check (char_length(username) between 1 and 100),
    role          text not null check (role in ('admin', 'member', 'agent', 'viewer')),
    invited_by    bigint references users (id) on delete set null,
    created_at    timestamptz not null default now()
);
create unique index workspace_invitations_unique on workspace_invitations (workspace_id, lower(username));
create index workspace_invitations_username_idx on workspace_invitations (lower(username));

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on identity_audit, workspace_invitations to kanban_app';
    end if;
end
$$;
