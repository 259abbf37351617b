insert into tasks (workspace_id, board_id, column_id, position, title, description, acceptance_criteria,
                   status, priority, epic, area, owner, assignee, created_by, due_date, occurrence_count, metadata)
values (:ws, :board, :col, :pos, :title, :description, nullif(:none, '-'), :status, :priority, nullif(:none, '-'), nullif(:none, '-'),
        nullif(:none, '-'), nullif(:none, '-'), :actor, nullif(:none, '-')::timestamptz, :occurrences, cast(:metadata as jsonb))
returning id
