-- The functions that run with their owner's rights (security definer: V2's insert_default_tags and
-- workspaces_after_insert, V58's workspaces_delete_appended_rows) resolve names through a search path
-- of their own: this schema, then pg_temp last, so that no object another role puts earlier on a
-- caller's path (a temporary table or function above all: pg_temp is searched first unless named)
-- can stand in for the tables and functions they mean. The schema is the one these migrations run in.
do $$
declare
    f regprocedure;
begin
    for f in
        select p.oid::regprocedure from pg_proc p
        where p.prosecdef and p.pronamespace = current_schema()::regnamespace
    loop
        execute format('alter function %s set search_path = %I, pg_temp', f, current_schema());
    end loop;
end
$$;
