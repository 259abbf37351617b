-- report_issue finds an issue by its normalised title (V7): lower case, runs of white space as one space,
-- trimmed. PostgreSQL's \s is ASCII white space only, so a title with a no-break space (U+00A0, as
-- copied from a web page) or another Unicode space was a new issue instead of a repeat. Every space
-- separator (Unicode Z: U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) and the
-- byte order mark now count as white space here.
create or replace function normalised_title(title text) returns text
    language sql immutable parallel safe
    return lower(btrim(regexp_replace(
        title, '[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+', ' ', 'g')));

-- the index holds the old function's values
reindex index tasks_normalised_title_idx;
