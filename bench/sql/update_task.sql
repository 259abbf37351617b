update tasks set column_id = :col, position = :pos, title = :title, description = description,
       acceptance_criteria = acceptance_criteria, status = :status, cancel_reason = cancel_reason,
       priority = priority, epic = epic, area = area, owner = owner, assignee = assignee,
       claimed_by = claimed_by, claim_expires_at = claim_expires_at, due_date = due_date,
       occurrence_count = occurrence_count, metadata = metadata,
       custom_fields = custom_fields
where workspace_id = :ws and id = :id
