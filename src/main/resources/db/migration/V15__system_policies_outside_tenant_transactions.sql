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
