-- Seeds the analytics benchmark: :n tasks on board :board created evenly over the last 365 days, each
-- with a trail of 10 history rows (1,000,000 for 100,000 tasks): created in Backlog, to To Do, to In
-- Progress (status in_progress), to Review, back to In Progress, to Review again, to Done (status
-- completed), and one priority change. Steps are spaced by a per-task unit of 1 to 10.6 hours, so the
-- last ~9 days' tasks are still under way; rows later than now are not written, and each task ends in
-- the column and status of its last row. The task and audit triggers are off while loading (this is
-- bulk data, not requests); the counts of V4 and the flow figures of V24 are then rebuilt from what
-- was loaded, as the migrations do.
-- Usage: psql -v board=<id> -v n=<count> -f bench/analytics-seed.sql
\set ON_ERROR_STOP on
set session_replication_role = replica;
begin;

create temp table c on commit drop as
select (select id from board_columns where board_id = :board and kind = 'backlog' order by position limit 1) as bl,
       (select id from board_columns where board_id = :board and kind = 'todo' order by position limit 1) as td,
       (select id from board_columns where board_id = :board and kind = 'in_progress' order by position limit 1) as ip,
       (select id from board_columns where board_id = :board and kind = 'review' order by position limit 1) as rv,
       (select id from board_columns where board_id = :board and kind = 'done' order by position limit 1) as dn,
       (select workspace_id from boards where id = :board) as ws,
       now() as now;

create temp table t on commit drop as
with ins as (
    insert into tasks (workspace_id, board_id, column_id, position, title, status, priority, created_at,
                       column_entered_at, updated_at)
    select c.ws, :board, c.bl, g.i::bigint * 65536, 'Analytics task ' || g.i, 'pending', 'medium',
           c.now - interval '365 days' + (g.i::float8 / :n) * interval '365 days' - interval '1 minute',
           c.now, c.now
    from generate_series(1, :n) as g(i), c
    returning id, created_at
)
select id, created_at as born, (1 + (id * 7919 % 97) / 10.0) * interval '1 hour' as unit from ins;

-- (step, action, field, old, new, column, offset in units)
create temp table steps (k int, action text, field text, old_value text, new_value text, col text, at_units numeric)
    on commit drop;
insert into steps values
    (0, 'created', null, null, 'title', 'bl', 0),
    (1, 'moved', 'column', 'bl', 'td', 'td', 2),
    (2, 'moved', 'column', 'td', 'ip', 'ip', 5),
    (3, 'status_changed', 'status', 'pending', 'in_progress', 'ip', 5),
    (4, 'moved', 'column', 'ip', 'rv', 'rv', 9),
    (5, 'moved', 'column', 'rv', 'ip', 'ip', 12),
    (6, 'moved', 'column', 'ip', 'rv', 'rv', 14),
    (7, 'moved', 'column', 'rv', 'dn', 'dn', 20),
    (8, 'status_changed', 'status', 'in_progress', 'completed', 'dn', 20),
    (9, 'updated', 'priority', 'medium', 'high', null, 1);

create function pg_temp.col(name text) returns bigint language sql stable as $$
    select case name when 'bl' then c.bl when 'td' then c.td when 'ip' then c.ip when 'rv' then c.rv
                     when 'dn' then c.dn end from c
$$;

insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor, column_id,
                          occurred_at)
select c.ws, :board, t.id, s.action, s.field,
       case when s.action = 'moved' then pg_temp.col(s.old_value)::text else s.old_value end,
       case when s.action = 'moved' then pg_temp.col(s.new_value)::text else s.new_value end,
       'bench', pg_temp.col(coalesce(s.col, 'bl')), t.born + s.at_units * t.unit
from t cross join steps s cross join c
where t.born + s.at_units * t.unit <= c.now
order by t.born + s.at_units * t.unit, t.id, s.k;

-- each task as its last flow row left it
update tasks k set column_id = x.column_id, column_entered_at = x.entered, status = x.status,
                   completed_at = case when x.status = 'completed' then x.entered end
from (
    select h.task_id,
           (array_agg(h.column_id order by h.occurred_at desc, h.id desc))[1] as column_id,
           max(h.occurred_at) filter (where h.action in ('created', 'moved')) as entered,
           coalesce((array_agg(h.new_value order by h.occurred_at desc, h.id desc)
                     filter (where h.action = 'status_changed'))[1], 'pending') as status
    from task_history h join t on t.id = h.task_id
    where h.action in ('created', 'moved', 'status_changed')
    group by h.task_id
) x
where k.id = x.task_id;

analyze task_history;
analyze tasks;
select task_counts_rebuild();
select set_config('kanban.workspace_id', (select ws::text from c), true);
select flow_rebuild((select ws from c));
commit;
