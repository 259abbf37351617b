-- A workspace's slug may hold underscores: seed 003 names its tenants so (`X-Tenant-Id: tenant_demo`),
-- and a request names its workspace by slug (X-Workspace-Id, alias X-Tenant-Id). The demo data's
-- workspace is `tenant_demo` (demo/DemoData). Only widened: every existing slug still matches.
alter table workspaces drop constraint workspaces_slug_check,
    add constraint workspaces_slug_check check (slug ~ '^[a-z0-9][a-z0-9_-]{0,62}$');
