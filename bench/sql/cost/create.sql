begin; insert into tasks (workspace_id, board_id, column_id, position, title, status, priority, created_by) values (1, 1, 1, 2 * :i::bigint + 1, 'x', 'pending', 'medium', 'bench'); commit;
