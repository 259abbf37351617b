-- A token minted with a named agent session (POST /api/v1/auth/session) dies with that session: when it
-- signs out or is ended, the tokens whose parent_session is its jti are revoked in the same transaction
-- (and every instance hears it through api_tokens_access_changed, V13). Tokens minted by a password
-- sign-in stay independent (null here).
alter table api_tokens add column parent_session text;
create index api_tokens_parent_session on api_tokens (parent_session) where parent_session is not null;
