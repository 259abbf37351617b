-- Access changes are announced on the channel kanban_access at commit, so that every instance closes
-- the WebSockets of a revoked credential, a disabled or deleted user or a removed member at once
-- (identity.AccessNotifications) instead of at its next periodic check. The payload names what changed
-- (token:<id>, session:<jti>, user:<id>, member:<workspace>:<user>); listeners re-check what they hold.

create function access_changed() returns trigger language plpgsql as $$
begin
    if tg_table_name = 'api_tokens' then
        perform pg_notify('kanban_access', 'token:' || new.id);
    elsif tg_table_name = 'revoked_sessions' then
        perform pg_notify('kanban_access', 'session:' || new.jti);
    elsif tg_table_name = 'users' then
        perform pg_notify('kanban_access', 'user:' || old.id);
    elsif tg_table_name = 'memberships' then
        perform pg_notify('kanban_access', 'member:' || old.workspace_id || ':' || old.user_id);
    end if;
    return null;
end
$$;

create trigger api_tokens_access_changed after update of revoked_at on api_tokens
    for each row when (new.revoked_at is not null and old.revoked_at is null) execute function access_changed();
create trigger revoked_sessions_access_changed after insert on revoked_sessions
    for each row execute function access_changed();
create trigger users_access_changed after update of disabled, sessions_valid_after, is_admin on users
    for each row execute function access_changed();
create trigger users_access_deleted after delete on users
    for each row execute function access_changed();
create trigger memberships_access_changed after update of role or delete on memberships
    for each row execute function access_changed();
