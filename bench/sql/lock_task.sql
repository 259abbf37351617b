select id, workspace_id, board_id, column_id, position, title, description, acceptance_criteria, status,
cancel_reason, priority, epic, area, owner, assignee, created_by, claimed_by, claim_expires_at,
due_date, occurrence_count, metadata::text as metadata, custom_fields::text as custom_fields, version
, position is not null as on_board, k.blocked, k.has_children, k.open_children,
  k.open_dependants
from lock_task_for_change(:ws, :id) k cross join lateral (select (k.task).*) t
