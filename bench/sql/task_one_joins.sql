 from t left join board_columns c on c.id = t.column_id
left join lateral task_parts(t.id, t.view_parts, t.board_id, t.custom_fields) p on true
