t.id, t.workspace_id, t.board_id, t.column_id, t.position, t.title, t.description,
t.acceptance_criteria, t.status, t.cancel_reason, t.priority, t.epic, t.area, t.owner, t.assignee,
t.created_by, t.claimed_by, t.claim_expires_at, t.due_date, t.occurrence_count, t.metadata, t.version,
t.created_at, t.updated_at, t.column_entered_at, t.completed_at, t.archived_at, t.custom_fields,
t.view_parts, t.tags_json
