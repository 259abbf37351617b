-- Outside production, without SECRET_KEY, each instance signed sessions with a random key of its own:
-- behind a load balancer a session from one instance was a 401 on the next (and a WebSocket subscribing
-- through another instance was refused). The instances on one database now share a key generated once
-- and kept here (production still requires SECRET_KEY, which then is the only key). Read at start by
-- the login role only: the request role (kanban_app) gets no access to it.
create table service_secrets (
    name       text primary key check (length(name) between 1 and 100),
    value      text not null check (length(value) >= 32),
    created_at timestamptz not null default now()
);

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'revoke all on service_secrets from kanban_app';
    end if;
end
$$;
