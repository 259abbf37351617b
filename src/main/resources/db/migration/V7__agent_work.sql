-- Agent work distribution (SPEC §6).

-- report_issue finds an issue by its normalised title: lower case, whitespace runs collapsed to one
-- space, trimmed. One definition, used by the lookup and by its index, so the two always agree.
create function normalised_title(title text) returns text
    language sql immutable parallel safe
    return lower(btrim(regexp_replace(title, '\s+', ' ', 'g')));

create index tasks_normalised_title_idx on tasks (board_id, normalised_title(title));

