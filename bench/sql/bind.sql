select set_config('kanban.actor', :actor, true), set_config('kanban.workspace_id', :ws, true), set_config('role', 'kanban_app', true)
