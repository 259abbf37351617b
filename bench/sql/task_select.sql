select t.id, t.workspace_id, t.board_id, t.column_id, c.name as column_name, t.position, t.title,
       t.description, t.acceptance_criteria, t.status, t.cancel_reason, t.priority, t.epic, t.area, t.owner,
       t.assignee, t.created_by, t.claimed_by, t.claim_expires_at, t.due_date,
       (t.due_date < now() and t.status in ('pending', 'in_progress')) as overdue,
       t.occurrence_count, t.metadata::text as metadata, t.version, t.created_at, t.updated_at,
       t.column_entered_at, t.completed_at, t.archived_at,
       greatest(0, extract(epoch from now() - t.column_entered_at))::bigint as time_in_column,
       (select count(*) from comments m where m.task_id = t.id) as comment_count,
       (select json_agg(json_build_object('id', g.id, 'name', g.name, 'color', g.color)
                        order by lower(g.name), g.id)
        from task_tags tt join tags g on g.id = tt.tag_id where tt.task_id = t.id)::text as tags,
       (select json_agg(json_build_object('id', b.id, 'board_id', b.board_id, 'title', b.title,
                                          'status', b.status) order by b.id)
        from task_relations r join tasks b on b.id = r.from_task_id
        where r.to_task_id = t.id and r.kind = 'blocks' and b.status in ('pending', 'in_progress')
          and b.deleted_at is null
       )::text as blockers,
       (select r.from_task_id from task_relations r join tasks p on p.id = r.from_task_id
        where r.to_task_id = t.id and r.kind = 'parent' and p.deleted_at is null) as parent_id,
       (select json_build_array(count(*) filter (where s.status = 'completed'),
                                count(*) filter (where s.status <> 'cancelled'))
        from task_relations r join tasks s on s.id = r.to_task_id
        where r.from_task_id = t.id and r.kind = 'parent' and s.deleted_at is null)::text as subtasks,
       (select json_build_array(count(*) filter (where i.done), count(*))
        from checklist_items i where i.task_id = t.id)::text as items,
       (case when t.custom_fields <> '{}'::jsonb then
          (select json_object_agg(f.name, t.custom_fields -> f.id::text order by f.position, f.id)
           from custom_fields f
           where f.board_id = t.board_id and t.custom_fields -> f.id::text is not null) end)::text as fields,
(select coalesce(json_agg(u.username order by a.added_at, u.username), '[]')
 from task_assignees a join users u on u.id = a.user_id where a.task_id = t.id)::text as assignees
from tasks t join board_columns c on c.id = t.column_id
