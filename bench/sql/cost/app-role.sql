-- SETUP for instructions.sh: the service's role in the scratch cluster (pg_dump carries no roles or
-- grants), so that move-service.prep.sql's statements run as kanban_app, under row-level security and
-- its execute-permission checks, as the service's do. Concatenate a migration being tried after it.
do $$ begin create role kanban_app; exception when duplicate_object then null; end $$;
grant usage on schema public to kanban_app;
grant select, insert, update, delete on all tables in schema public to kanban_app;
grant usage, select, update on all sequences in schema public to kanban_app;
