update tasks set column_id = :col, position = :pos, title = :title, description = nullif(:t_description, ''),
       acceptance_criteria = nullif(:t_acceptance_criteria, ''), status = :status, cancel_reason = nullif(:t_cancel_reason, ''),
       priority = :t_priority, epic = nullif(:t_epic, ''), area = nullif(:t_area, ''), owner = nullif(:t_owner, ''), assignee = nullif(:t_assignee, ''),
       claimed_by = nullif(:t_claimed_by, ''), claim_expires_at = nullif(:t_claim_expires_at, '')::timestamptz, due_date = nullif(:t_due_date, '')::timestamptz,
       occurrence_count = :t_occurrence_count, metadata = cast(:t_metadata as jsonb)
where workspace_id = :ws and id = :id
