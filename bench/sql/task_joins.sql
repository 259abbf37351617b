 from t left join board_columns c on c.id = t.column_id
left join cm on cm.task_id = t.id left join tg on tg.task_id = t.id left join bl on bl.to_task_id = t.id
left join pa on pa.to_task_id = t.id left join st on st.from_task_id = t.id
left join ci on ci.task_id = t.id left join cf on cf.id = t.id left join an on an.task_id = t.id
cross join lateral (select cm.n as comment_count, tg.tags, bl.blockers, pa.parent_id, st.done as subtasks_done,
  st.total as subtasks_total, ci.done as items_done, ci.total as items_total, an.names as assignees, cf.fields) p
