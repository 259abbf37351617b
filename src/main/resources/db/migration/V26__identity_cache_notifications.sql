-- Every instance keeps the callers and memberships it resolved in memory (identity.IdentityCache) and
-- empties that cache at every notice on kanban_access (V13). V13 announces what takes access away;
-- these triggers announce the rest of what a cached answer is made of: a user's name, kind, default
-- workspace or kept session, a new membership (it can change which workspace is the default one),
-- a workspace's slug (requests may name it) or its removal, and a deleted API token.

create function identity_changed() returns trigger language plpgsql as $$
begin
    if tg_table_name = 'users' then
        perform pg_notify('kanban_access', 'user:' || new.id);
    elsif tg_table_name = 'memberships' then
        perform pg_notify('kanban_access', 'member:' || new.workspace_id || ':' || new.user_id);
    elsif tg_table_name = 'workspaces' then
        perform pg_notify('kanban_access', 'workspace:' || old.id);
    elsif tg_table_name = 'api_tokens' then
        perform pg_notify('kanban_access', 'token:' || old.id);
    end if;
    return null;
end
$$;

create trigger users_identity_changed after update on users
    for each row when (old.username is distinct from new.username
                       or old.display_name is distinct from new.display_name
                       or old.kind is distinct from new.kind
                       or old.default_workspace_id is distinct from new.default_workspace_id
                       or old.session_kept is distinct from new.session_kept)
    execute function identity_changed();
create trigger memberships_added after insert on memberships
    for each row execute function identity_changed();
create trigger workspaces_identity_changed after update of slug or delete on workspaces
    for each row execute function identity_changed();
create trigger api_tokens_deleted after delete on api_tokens
    for each row execute function identity_changed();
