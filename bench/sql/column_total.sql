select coalesce(sum(tc.n), 0) from task_counts tc join board_columns c on c.id = tc.column_id
 where c.workspace_id = :ws and tc.column_id = :col
