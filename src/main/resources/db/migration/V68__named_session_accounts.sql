-- The accounts a named session (POST /api/v1/auth/session, seed 002) made. A named session needs no
-- secret, so it may resume only such an account: never one an admin made, an invited or a directory
-- account, nor a person's. Accounts made before this column are recognised by their named sessions.
alter table users add column named_session boolean not null default false;

update users u set named_session = true
where u.kind = 'agent'
  and u.password_hash is null
  and exists (select 1 from user_sessions s where s.user_id = u.id and s.kind = 'session');
