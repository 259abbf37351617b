-- SPEC §3: metadata is at most 64 KB. The API measures that in bytes of the JSON sent
-- (Tasks.MAX_METADATA_BYTES), but the database's check (V1, moved into tasks_before_write by V61)
-- measured only the stored jsonb, which takes up to six times the bytes of its JSON for small numbers:
-- 20 KB of [1,1,...] passed the API and was then refused with "has a value the database does not
-- accept". The check now also passes an object whose JSON text (jsonb's own, which adds a space after
-- each ':' and ',', so at most 1.5 times the compact JSON the API measured) is at most 96 KB. The two
-- functions are edited in place, so whatever later migrations change elsewhere in them stays.
do $migrate$
declare
    f text;
    old constant text := 'pg_column_size(%1$s.metadata) <= 65536';
    new constant text := '(pg_column_size(%1$s.metadata) <= 65536 or octet_length(%1$s.metadata::text) <= 98304)';
begin
    f := pg_get_functiondef('tasks_before_write'::regproc);
    if position(format(old, 'new') in f) = 0 then
        raise exception 'tasks_before_write has no metadata check to widen';
    end if;
    execute replace(f, format(old, 'new'), format(new, 'new'));
    f := pg_get_functiondef('tasks_failed_check'::regproc);
    if position(format(old, 't') in f) = 0 then
        raise exception 'tasks_failed_check has no metadata check to widen';
    end if;
    execute replace(f, format(old, 't'), format(new, 't'));
end
$migrate$;
