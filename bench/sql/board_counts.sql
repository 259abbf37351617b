select tc.column_id, sum(tc.n) from task_counts tc where tc.board_id = :board group by tc.column_id
