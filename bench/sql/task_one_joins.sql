 from t left join board_columns c on c.id = t.column_id
left join lateral (select m.task_id, count(*) as n from comments m where m.task_id = t.id group by m.task_id) cm
  on cm.task_id = t.id
left join lateral (
    select tt.task_id, '[' || string_agg('{"id":' || g.id || ',"name":' || api_json_string(g.name)
                                         || ',"color":' || api_json_string(g.color) || '}', ','
                                         order by lower(g.name), g.id) || ']' as tags
    from task_tags tt join tags g on g.id = tt.tag_id where tt.task_id = t.id
    group by tt.task_id) tg on tg.task_id = t.id
left join lateral (
    select r.to_task_id, '[' || string_agg('{"id":' || b.id || ',"board_id":' || b.board_id
                                           || ',"title":' || api_json_string(b.title)
                                           || ',"status":' || api_json_string(b.status) || '}', ','
                                           order by b.id) || ']' as blockers
    from task_relations r join tasks b on b.id = r.from_task_id
    where r.to_task_id = t.id and r.kind = 'blocks'
      and b.status in ('pending', 'in_progress') and b.deleted_at is null
    group by r.to_task_id) bl on bl.to_task_id = t.id
left join lateral (
    select r.to_task_id, r.from_task_id as parent_id
    from task_relations r join tasks p on p.id = r.from_task_id
    where r.to_task_id = t.id and r.kind = 'parent' and p.deleted_at is null) pa on pa.to_task_id = t.id
left join lateral (
    select r.from_task_id, count(*) filter (where s.status = 'completed') as done,
           count(*) filter (where s.status <> 'cancelled') as total
    from task_relations r join tasks s on s.id = r.to_task_id
    where r.from_task_id = t.id and r.kind = 'parent' and s.deleted_at is null
    group by r.from_task_id) st on st.from_task_id = t.id
left join lateral (
    select i.task_id, count(*) filter (where i.done) as done, count(*) as total
    from checklist_items i where i.task_id = t.id
    group by i.task_id) ci on ci.task_id = t.id
left join lateral (
    select v.id, json_object_agg(f.name, v.custom_fields -> f.id::text order by f.position, f.id)
           as fields
    from (select t.id, t.board_id, t.custom_fields) v join custom_fields f on f.board_id = v.board_id
    where v.custom_fields <> '{}'::jsonb and v.custom_fields -> f.id::text is not null
    group by v.id) cf on cf.id = t.id
left join lateral (
    select a.task_id, '[' || string_agg(api_json_string(u.username), ',' order by a.added_at, u.username)
                      || ']' as names
    from task_assignees a join users u on u.id = a.user_id where a.task_id = t.id
    group by a.task_id) an on an.task_id = t.id
