 from t left join board_columns c on c.id = t.column_id left join (select x.task_id, max(x.comment_count) as comment_count,
 max(x.blockers) as blockers, max(x.parent_id) as parent_id, max(x.subtasks_done) as subtasks_done,
 max(x.subtasks_total) as subtasks_total, max(x.items_done) as items_done,
 max(x.items_total) as items_total, max(x.assignees) as assignees, max(x.fields) as fields
 from (select array_agg(r.id) as ids, array_agg(r.view_parts
 | case when r.custom_fields <> '{}'::jsonb then 128 else 0 end) as parts,
 bit_or(r.view_parts | case when r.custom_fields <> '{}'::jsonb then 128 else 0 end) as present
 from t r) a cross join lateral task_list_parts(a.ids, a.parts) x where a.present <> 0 group by x.task_id) p on p.task_id = t.id
