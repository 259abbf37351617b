-- How far each follower of the change feed (the worker, SPEC §8) has processed it, as it reports
-- with PUT /api/v1/events/progress. The health's worker lag is derived from it: the age of the
-- oldest event a follower has not processed yet. Reading that across workspaces is system work.

create table feed_followers (
    workspace_id  bigint not null references workspaces (id) on delete cascade,
    follower      text not null check (char_length(follower) between 1 and 200),
    cursor        bigint not null check (cursor >= 0),
    reported_at   timestamptz not null default now(),
    primary key (workspace_id, follower)
);

alter table feed_followers enable row level security;
alter table feed_followers force row level security;
create policy workspace_isolation on feed_followers using (workspace_id = kanban_workspace())
    with check (workspace_id = kanban_workspace());
create policy system_read on feed_followers for select using (current_setting('kanban.system', true) = 'on');

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on feed_followers to kanban_app';
    end if;
end
$$;
