select t.id, t.name, t.color from task_tags tt join tags t on t.id = tt.tag_id
where tt.workspace_id = :ws and tt.task_id = :id order by lower(t.name), t.id
