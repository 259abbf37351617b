insert into tasks (workspace_id, board_id, column_id, position, title, description, acceptance_criteria,
                   status, cancel_reason, priority, epic, area, owner, assignee, created_by, due_date,
                   occurrence_count, metadata, created_at, completed_at, column_entered_at, claimed_by,
                   claim_expires_at, custom_fields)
values (:ws, :board, :col, (select coalesce(max(position), 0) + 65536 from tasks where column_id = :col and position is not null),
        :title, :description, nullif(:none, '-'), :status, nullif(:none, '-'), :priority,
        nullif(:none, '-'), nullif(:none, '-'), nullif(:none, '-'), nullif(:none, '-'), :actor, nullif(:none, '-')::timestamptz,
        :occurrences, cast(:metadata as jsonb), nullif(:none, '-')::timestamptz,
        nullif(:none, '-')::timestamptz, nullif(:none, '-')::timestamptz, nullif(:none, '-'), nullif(:none, '-')::timestamptz, cast(:metadata as jsonb))
