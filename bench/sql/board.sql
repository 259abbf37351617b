select id, workspace_id, name, description, version, created_by, created_at, updated_at
 from boards where workspace_id = :ws and id = :board
