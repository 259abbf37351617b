-- Issue #19: lock_task_for_change (V35) looked up four kinds of relations for every task it locked,
-- where most tasks have none. Three of them are what V57's view_parts bits say a task may have: 4 (the
-- task is the to_task of a 'blocks' relation: blocked) and 16 (the from_task of a 'parent' relation:
-- children, open children). A bit is set by an update of the task's row in the transaction that adds
-- the relation (task_relations_mark_tasks), and never cleared; the function reads the row under its
-- lock (FOR UPDATE waits for that transaction and answers the row it committed), so a clear bit means
-- "certainly none" and the look-up is skipped exactly. Whether the task blocks open tasks (it is the
-- from_task of a 'blocks' relation) has no bit and is still looked up.
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
    if r.view_parts & 20 = 0 then
        return query
            select r, false, false, false,
                   exists (select 1 from task_relations dr join tasks dt on dt.id = dr.to_task_id
                           where dr.from_task_id = p_id and dr.kind = 'blocks'
                             and dt.status in ('pending', 'in_progress') and dt.deleted_at is null);
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
