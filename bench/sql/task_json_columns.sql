select t.version,
       '{"id":' || t.id || ',"workspace_id":' || t.workspace_id || ',"board_id":' || t.board_id
       || ',"column_id":' || t.column_id || ',"column":' || api_json_string(c.name)
       || ',"position":' || coalesce(t.position, 0) || ',"title":' || api_json_string(t.title)
       || ',"description":' || api_json_string(t.description)
       || ',"acceptance_criteria":' || api_json_string(t.acceptance_criteria)
       || ',"status":' || api_json_string(t.status) || ',"cancel_reason":' || api_json_string(t.cancel_reason)
       || ',"priority":' || api_json_string(t.priority) || ',"epic":' || api_json_string(t.epic)
       || ',"area":' || api_json_string(t.area) || ',"owner":' || api_json_string(t.owner)
       || ',"assignee":' || api_json_string(t.assignee) || ',"created_by":' || api_json_string(t.created_by)
       || ',"claimed_by":' || api_json_string(t.claimed_by)
       || ',"claim_expires_at":' || api_json_instant(t.claim_expires_at)
       || ',"due_date":' || api_json_instant(t.due_date)
       || ',"overdue":' || coalesce(t.due_date < now() and t.status in ('pending', 'in_progress'), false)
       || ',"occurrence_count":' || coalesce(t.occurrence_count, 0) || ',"metadata":' as head,
       nullif(t.metadata, '{}'::jsonb)::text as metadata,
       ',"version":' || t.version || ',"created_at":' || api_json_instant(t.created_at)
       || ',"updated_at":' || api_json_instant(t.updated_at)
       || ',"column_entered_at":' || api_json_instant(t.column_entered_at)
       || ',"completed_at":' || api_json_instant(t.completed_at)
       || ',"archived_at":' || api_json_instant(t.archived_at)
       || ',"time_in_column_seconds":'
       || coalesce(greatest(0, extract(epoch from now() - t.column_entered_at))::bigint, 0)
       || ',"comment_count":' || coalesce(cm.n, 0) || ',"tags":' || coalesce(tg.tags, '[]')
       || ',"blocked":' || (bl.blockers is not null) || ',"blockers":' || coalesce(bl.blockers, '[]')
       || ',"parent_id":' || coalesce(pa.parent_id::text, 'null')
       || ',"subtasks":{"done":' || coalesce(st.done, 0) || ',"total":' || coalesce(st.total, 0)
       || '},"checklist":{"done":' || coalesce(ci.done, 0) || ',"total":' || coalesce(ci.total, 0)
       || '},"assignees":' || coalesce(an.names, '[]') || ',"fields":' as tail,
       cf.fields::text as fields
