-- Read-your-writes with a read replica (READ_DATABASE_URL; platform.ReplicaReads): each caller's read
-- position, the primary's WAL position right after their last write committed. A caller's heavy read
-- goes to the replica only once the replica has replayed past it. Kept here, on the primary, so that
-- every instance of the service sees it. Written and read only when a replica is configured.
create table read_positions (
    workspace_id bigint not null references workspaces (id) on delete cascade,
    actor        text not null,
    lsn          pg_lsn not null,
    updated_at   timestamptz not null default now(),
    primary key (workspace_id, actor)
);

-- row-level security and grants exactly like the other tenant tables (V2__identity.sql)
alter table read_positions enable row level security;
alter table read_positions force row level security;
create policy workspace_isolation on read_positions using (workspace_id = kanban_workspace())
    with check (workspace_id = kanban_workspace());

-- One statement each (the service calls them outside any transaction, in autocommit): the function
-- binds its own transaction to the caller's workspace, so the policy applies as to any tenant write.
create function kanban_record_read_position(ws bigint, who text) returns void language plpgsql as $$
begin
    perform set_config('kanban.workspace_id', ws::text, true);
    insert into read_positions (workspace_id, actor, lsn) values (ws, who, pg_current_wal_lsn())
    on conflict (workspace_id, actor)
        do update set lsn = greatest(read_positions.lsn, excluded.lsn), updated_at = now();
end
$$;

create function kanban_read_position(ws bigint, who text) returns bigint language plpgsql as $$
begin
    perform set_config('kanban.workspace_id', ws::text, true);
    return (select (lsn - '0/0'::pg_lsn)::bigint from read_positions where workspace_id = ws and actor = who);
end
$$;

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on read_positions to kanban_app';
    end if;
end
$$;
