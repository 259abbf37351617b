select w.id, w.slug, w.name, w.created_at, m.role from memberships m
join workspaces w on w.id = m.workspace_id
where m.user_id = :uid order by (w.id = :ws) desc nulls last, w.id limit 1
