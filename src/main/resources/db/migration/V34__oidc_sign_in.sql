-- OIDC single sign-on (issue 18). The browser's part of the authorization code flow lives in the
-- database, not in a server session, so that any instance can take the provider's answer:
--  * oidc_requests: a started sign-in, by the SHA-256 of its state, bound to the browser by the
--    SHA-256 of a cookie; holds the authorization request (with the PKCE verifier and nonce) for
--    ten minutes at most.
--  * oidc_handoffs: a finished sign-in waiting for the page to take its session: a single-use code
--    (SHA-256 only) valid for two minutes, which the page exchanges for the same session token a
--    password sign-in gives.
-- A session signed in through the provider keeps the ID token as the hint of RP-initiated logout.
create table oidc_requests (
    state_hash    text primary key,
    browser_hash  text not null,
    request       bytea not null check (octet_length(request) <= 65536),
    expires_at    timestamptz not null
);
create index oidc_requests_expiry_idx on oidc_requests (expires_at);

create table oidc_handoffs (
    code_hash     text primary key,
    user_id       bigint not null references users (id) on delete cascade,
    second_factor text check (second_factor is null or char_length(second_factor) <= 20),
    id_token      text check (id_token is null or char_length(id_token) <= 16384),
    expires_at    timestamptz not null
);
create index oidc_handoffs_expiry_idx on oidc_handoffs (expires_at);

alter table user_sessions add column id_token text check (id_token is null or char_length(id_token) <= 16384);

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on oidc_requests, oidc_handoffs to kanban_app';
    end if;
end
$$;
