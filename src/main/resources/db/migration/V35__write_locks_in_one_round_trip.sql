-- Issue #19: a write is one transaction of at most four round trips. The locks a write takes, and what
-- it must read only after holding them, come back in one statement each: these functions take the lock
-- first and then read, statement by statement, so that (in read committed) the reads see what the
-- previous holder of the lock committed, which a single SELECT ... FOR UPDATE cannot promise for its
-- subqueries. They run with the caller's rights: row-level security applies as to any statement.

-- Locks a column for a change of its task order (insert, move in, renumber) and answers, under that
-- lock, the column as it is now, its last position leaving out one task (the one being moved) and how
-- many tasks it holds (its WIP count). No row when the column is not visible.
create or replace function lock_column_for_placement(p_ws bigint, p_column bigint, p_self bigint)
returns table (id bigint, board_id bigint, name text, "position" integer, kind text, wip_limit integer,
               last_position bigint, task_count bigint)
language plpgsql volatile as $$
declare
    c board_columns;
begin
    select * into c from board_columns bc where bc.workspace_id = p_ws and bc.id = p_column for update;
    if not found then
        return;
    end if;
    return query
        select c.id, c.board_id, c.name::text, c.position::integer, c.kind::text, c.wip_limit::integer,
               (select max(t.position) from tasks t where t.column_id = p_column and t.id <> p_self
                  and t.position is not null)::bigint,
               (select count(*) from tasks t where t.column_id = p_column and t.position is not null);
end $$;

-- Locks a task that is not in the trash (on its board or archived) and answers, under the lock, the row
-- and what the task feature's rules ask about its relations: whether an open task blocks it, whether it
-- has subtasks (open ones), and whether it blocks open tasks. No row when the task is not visible.
create or replace function lock_task_for_change(p_ws bigint, p_id bigint)
returns table (task tasks, blocked boolean, has_children boolean, open_children boolean, open_dependants boolean)
language plpgsql volatile as $$
declare
    r tasks;
begin
    select * into r from tasks t where t.workspace_id = p_ws and t.id = p_id and t.deleted_at is null for update;
    if not found then
        return;
    end if;
    return query
        select r,
               exists (select 1 from task_relations br join tasks bt on bt.id = br.from_task_id
                       where br.to_task_id = p_id and br.kind = 'blocks'
                         and bt.status in ('pending', 'in_progress') and bt.deleted_at is null),
               exists (select 1 from task_relations cr join tasks ct on ct.id = cr.to_task_id
                       where cr.from_task_id = p_id and cr.kind = 'parent' and ct.deleted_at is null),
               exists (select 1 from task_relations cr join tasks ct on ct.id = cr.to_task_id
                       where cr.from_task_id = p_id and cr.kind = 'parent' and ct.deleted_at is null
                         and ct.status in ('pending', 'in_progress')),
               exists (select 1 from task_relations dr join tasks dt on dt.id = dr.to_task_id
                       where dr.from_task_id = p_id and dr.kind = 'blocks'
                         and dt.status in ('pending', 'in_progress') and dt.deleted_at is null);
end $$;
