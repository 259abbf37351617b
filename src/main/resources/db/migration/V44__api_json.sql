-- Issue #19: the task reads answer the API's JSON text from the statement, written as the service's
-- JSON mapper (Jackson) writes it, so that the service passes it on instead of mapping rows to objects
-- and writing them again (TaskQueries' JSON_COLUMNS; TaskJsonTest compares the two byte for byte).
-- Both functions are plain SQL expressions, stable, so that PostgreSQL writes them into the statement
-- instead of calling them.

-- A string as Jackson writes it, or null. PostgreSQL's to_json escapes the same characters in the same
-- way, except that it writes the hex of a control character without a short form in lower case
-- (\u001b) where Jackson writes upper case (\u001B): the service upper-cases those (TaskQueries.appendJson).
create function api_json_string(s text) returns text
    language sql stable parallel safe as $$
    select coalesce(to_json(s)::text, 'null')
$$;

-- An instant as Jackson writes java.time.Instant, or null: ISO-8601 in UTC with a Z, the fraction of a
-- second in groups of three digits and left out when it is zero. to_json writes a timestamp as
-- "2026-12-05T16:53:23.36" (the fraction without its trailing zeros): it is padded to three or six
-- digits. A year after 9999 or before 1 (which Java writes with a sign) takes api_json_instant_far.
create function api_json_instant_far(ts timestamptz) returns text
    language plpgsql immutable strict parallel safe as $$
declare
    u timestamp := ts at time zone 'UTC';
    y int := extract(year from u)::int;
    us bigint := date_part('microseconds', u)::bigint % 1000000;
begin
    if y < 0 then
        y := y + 1; -- PostgreSQL has no year 0: 1 BC is -1, Java's 0
    end if;
    return '"' || case when y > 9999 then '+' || y::text
                       when y < 0 then '-' || lpad((-y)::text, 4, '0')
                       else lpad(y::text, 4, '0') end
        || to_char(u, '-MM-DD"T"HH24:MI:SS')
        || case when us = 0 then '' when us % 1000 = 0 then '.' || lpad((us / 1000)::text, 3, '0')
                else '.' || lpad(us::text, 6, '0') end
        || 'Z"';
end $$;

create function api_json_instant(ts timestamptz) returns text
    language sql stable parallel safe as $$
    select case when ts is null then 'null'
                when ts >= '0001-01-01 00:00:00+00' and ts < '10000-01-01 00:00:00+00' then
                    -- "YYYY-MM-DDTHH:MI:SS" is 21 characters, with a fraction of n digits 22 + n
                    rpad(left(to_json(ts at time zone 'UTC')::text, -1),
                         case length(to_json(ts at time zone 'UTC')::text) when 21 then 20 when 23 then 24
                              when 24 then 24 when 25 then 24 else 27 end, '0') || 'Z"'
                else api_json_instant_far(ts) end
$$;
