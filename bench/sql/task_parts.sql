, cm as materialized (
    select m.task_id, count(*) as n from comments m where m.task_id = any(array(select id from t where t.view_parts & 1 <> 0))
    group by m.task_id)
, tg as materialized (
    select tt.task_id, '[' || string_agg('{"id":' || g.id || ',"name":' || api_json_string(g.name)
                                         || ',"color":' || api_json_string(g.color) || '}', ','
                                         order by lower(g.name), g.id) || ']' as tags
    from task_tags tt join tags g on g.id = tt.tag_id where tt.task_id = any(array(select id from t where t.view_parts & 2 <> 0))
    group by tt.task_id)
, bl as materialized (
    select r.to_task_id, '[' || string_agg('{"id":' || b.id || ',"board_id":' || b.board_id
                                           || ',"title":' || api_json_string(b.title)
                                           || ',"status":' || api_json_string(b.status) || '}', ','
                                           order by b.id) || ']' as blockers
    from task_relations r join tasks b on b.id = r.from_task_id
    where r.to_task_id = any(array(select id from t where t.view_parts & 4 <> 0)) and r.kind = 'blocks'
      and b.status in ('pending', 'in_progress') and b.deleted_at is null
    group by r.to_task_id)
, pa as materialized (
    select r.to_task_id, r.from_task_id as parent_id
    from task_relations r join tasks p on p.id = r.from_task_id
    where r.to_task_id = any(array(select id from t where t.view_parts & 8 <> 0)) and r.kind = 'parent' and p.deleted_at is null)
, st as materialized (
    select r.from_task_id, count(*) filter (where s.status = 'completed') as done,
           count(*) filter (where s.status <> 'cancelled') as total
    from task_relations r join tasks s on s.id = r.to_task_id
    where r.from_task_id = any(array(select id from t where t.view_parts & 16 <> 0)) and r.kind = 'parent' and s.deleted_at is null
    group by r.from_task_id)
, ci as materialized (
    select i.task_id, count(*) filter (where i.done) as done, count(*) as total
    from checklist_items i where i.task_id = any(array(select id from t where t.view_parts & 32 <> 0))
    group by i.task_id)
, cf as materialized (
    select v.id, json_object_agg(f.name, v.custom_fields -> f.id::text order by f.position, f.id) as fields
    from t v join custom_fields f on f.board_id = v.board_id
    where v.custom_fields <> '{}'::jsonb and v.custom_fields -> f.id::text is not null
    group by v.id)
, an as materialized (
    select a.task_id, '[' || string_agg(api_json_string(u.username), ',' order by a.added_at, u.username)
                      || ']' as names
    from task_assignees a join users u on u.id = a.user_id where a.task_id = any(array(select id from t where t.view_parts & 64 <> 0))
    group by a.task_id)
