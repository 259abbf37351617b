-- System work (kanban.system: the change stream, webhook fan-out and sending, event retention, the
-- health figures) reads and deletes across workspaces through the system policies of V6 and V9.
-- Until now only the mark decided, so a tenant transaction (bound to a workspace, as the kanban_app
-- role) that set kanban.system could reach every workspace's events, webhooks, deliveries and feed
-- followers. System work is never bound to a workspace, so the system policies now require that too:
-- a tenant transaction stays confined to its workspace whatever it sets.
create function kanban_system() returns boolean language sql stable as $$
    select coalesce(current_setting('kanban.system', true) = 'on', false) and kanban_workspace() is null
$$;

alter policy system_read on outbox_events using (kanban_system());
alter policy system_retention on outbox_events using (kanban_system());
alter policy system_work on webhooks using (kanban_system()) with check (kanban_system());
alter policy system_work on webhook_deliveries using (kanban_system()) with check (kanban_system());
alter policy system_read on feed_followers using (kanban_system());

-- A new workspace's default tags are written on its behalf (V2), but SECURITY DEFINER alone does not
-- lift row security: FORCE ROW LEVEL SECURITY binds the tables' owner too, so unless that owner is a
-- superuser the tags' workspace policy refused them, and creating a workspace failed (always so where
-- the migration could not create the kanban_app role, RowSecurityWithoutAppRoleTest). The function
-- now binds the insert to the new workspace and restores the transaction's own binding afterwards (an
-- error aborts the transaction, which restores it too).
create or replace function insert_default_tags(ws bigint) returns void language plpgsql security definer as $$
declare
    bound text := current_setting('kanban.workspace_id', true);
begin
    perform set_config('kanban.workspace_id', ws::text, true);
    insert into tags (workspace_id, name, color) values
        (ws, 'bug', '#dc2626'),
        (ws, 'feature', '#2563eb'),
        (ws, 'documentation', '#0891b2'),
        (ws, 'urgent', '#ea580c'),
        (ws, 'infrastructure', '#7c3aed')
    on conflict do nothing;
    perform set_config('kanban.workspace_id', coalesce(bound, ''), true);
end
$$;
