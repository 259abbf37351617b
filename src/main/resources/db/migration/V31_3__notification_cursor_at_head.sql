-- On an upgraded database the notification fan-out starts at the outbox's head: the events from
-- before issue 15 (old comments, descriptions with @names, moves) are history, not news, and nobody
-- is notified of them (the old assignees were migrated as already told, V31).
insert into notification_cursor (position)
select coalesce(max(id), 0) from outbox_events
on conflict (singleton) do nothing;
