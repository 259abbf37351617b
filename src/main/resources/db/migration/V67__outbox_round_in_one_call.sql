-- The dispatcher's round in one call (issue #19). Each round was three autocommit transactions and five
-- round trips: the outbox sequence's last drawn id, then the next xid and the oldest xid still running in
-- this database (events/FeedHorizon), then the events up to the horizon in a system transaction (BEGIN,
-- set_config, select, COMMIT). Under load nearly every write has a round of its own, so those were most
-- of a write's PostgreSQL commits beyond its own.
--
-- A PL/pgSQL function keeps the order the horizon's proof needs: in READ COMMITTED each statement of a
-- volatile function takes a new snapshot, so the sequence is read first, the next xid and the running
-- xids after it (age() takes the next xid at its first call in the transaction: no call comes earlier),
-- and the events after that, with a snapshot in which every transaction that held an id up to the
-- horizon has ended.

-- What FeedHorizon.advance() reads: the sequence's last drawn id, then the oldest xid still running in
-- this database and the next xid (both 64-bit). See FeedHorizon for why each part is there.
create function outbox_look(out drawn bigint, out oldest_running bigint, out next_xid bigint)
    language plpgsql volatile as $$
begin
    select case when is_called then last_value else last_value - 1 end into drawn from outbox_events_id_seq;
    with snap as (select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as xmin),
         ids as (select xmin, xmin + age(xid(xmin::text::xid8)) as next_xid from snap),
         here as (select oid from pg_database where datname = current_database()),
         running as (
             select age(backend_xid) as age from pg_stat_activity
             where datid = (select oid from here) and backend_xid is not null
             union all
             select age(transaction) from pg_prepared_xacts where database = current_database()),
         hidden as (
             select not pg_has_role('pg_read_all_stats', 'USAGE') and exists (
                 select 1 from pg_stat_activity where datid = (select oid from here)
                 and usesysid is not null and not pg_has_role(usesysid, 'USAGE')) as unseen)
    select case when (select unseen from hidden) then ids.xmin
                else ids.next_xid - coalesce((select max(age) from running), 0) end,
           ids.next_xid
    into oldest_running, next_xid
    from ids;
end
$$;

-- One dispatcher round: outbox_look(), the horizon it proves given the instance's horizon so far
-- (proven) and its candidates not yet confirmed (pending_drawn[i] was drawn before pending_next[i] was
-- the next xid), and every workspace's events after after_id up to that horizon (at most lim), in id
-- order. Every row carries the look and the horizon (through); without events, one row whose id is null.
-- The events are read as system work (kanban.system, local to this call's transaction).
create function outbox_round(after_id bigint, lim integer, proven bigint, pending_drawn bigint[], pending_next bigint[])
    returns table (drawn bigint, oldest_running bigint, next_xid bigint, through bigint,
                   id bigint, workspace_id bigint, type text, board_id bigint, task_id bigint, actor text,
                   occurred_at timestamptz, payload jsonb, rule_depth integer)
    language plpgsql volatile as $$
declare
    look record;
    horizon bigint;
begin
    select * into look from outbox_look();
    if look.drawn < proven then
        -- the sequence went backwards (a restore, tests truncating the outbox): nothing earlier counts
        proven := 0;
        pending_drawn := '{}';
        pending_next := '{}';
    end if;
    horizon := greatest(
        proven,
        (select max(p.d) from unnest(pending_drawn, pending_next) as p (d, n) where p.n <= look.oldest_running),
        case when look.next_xid <= look.oldest_running then look.drawn end);
    perform set_config('kanban.system', 'on', true);
    return query
        select look.drawn, look.oldest_running, look.next_xid, horizon,
               e.id, e.workspace_id, e.type, e.board_id, e.task_id, e.actor, e.occurred_at, e.payload, e.rule_depth
        from outbox_events e
        where e.id > after_id and e.id <= horizon
        order by e.id
        limit lim;
    if not found then
        return query select look.drawn, look.oldest_running, look.next_xid, horizon,
                            null::bigint, null::bigint, null::text, null::bigint, null::bigint, null::text,
                            null::timestamptz, null::jsonb, null::integer;
    end if;
end
$$;
