insert into outbox_events (workspace_id, board_id, task_id, type, actor, payload)
values (:ws, :board, :id, :type, :actor, cast(:payload as jsonb))
