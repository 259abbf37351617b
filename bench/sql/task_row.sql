select id, workspace_id, board_id, column_id, position, title, description, acceptance_criteria, status,
cancel_reason, priority, epic, area, owner, assignee, created_by, claimed_by, claim_expires_at,
due_date, occurrence_count, metadata::text as metadata, version
 from tasks where workspace_id = :ws and id = :id
