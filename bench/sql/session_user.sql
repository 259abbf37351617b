select id, username, display_name, email, kind, is_admin, disabled, default_workspace_id, created_at
 from users where id = :uid and not exists (select 1 from revoked_sessions where jti = :jti)
