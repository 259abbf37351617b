select t.id, t.workspace_id, t.board_id, t.column_id, c.name as column_name, t.position, t.title,
       t.description, t.acceptance_criteria, t.status, t.cancel_reason, t.priority, t.epic, t.area,
       t.owner, t.assignee, t.created_by, t.claimed_by, t.claim_expires_at, t.due_date,
       coalesce(t.due_date < now() and t.status in ('pending', 'in_progress'), false) as overdue,
       t.occurrence_count, nullif(t.metadata, '{}'::jsonb)::text as metadata, t.version, t.created_at,
       t.updated_at, t.column_entered_at, t.completed_at, t.archived_at,
       now() as now,
       p.comment_count, t.tags_json as tags, p.blockers, p.parent_id, p.subtasks_done, p.subtasks_total,
       p.items_done, p.items_total, p.assignees, p.fields::text as fields
