 from t left join board_columns c on c.id = t.column_id
left join cm on cm.task_id = t.id left join tg on tg.task_id = t.id left join bl on bl.to_task_id = t.id
left join pa on pa.to_task_id = t.id left join st on st.from_task_id = t.id
left join ci on ci.task_id = t.id left join cf on cf.id = t.id left join an on an.task_id = t.id
