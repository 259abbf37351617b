-- report_issue finds an issue by its normalised title (V7, V70). Besides case and white space it now
-- also ignores what does not change what a title says: punctuation ("Login page crashes." and
-- "Login-page crashes!" are "login page crashes"), invisible characters (zero-width spaces and joiners,
-- the word joiner, the soft hyphen) and the width of characters (NFKC: a full-width "Ｌ" is "L", a
-- ligature "ﬁ" is "fi"). Punctuation is ASCII's and the common Unicode dashes, quotes and the ellipsis,
-- each run of it (with any white space around it) one space; letters and digits of every script stay.
create or replace function normalised_title(title text) returns text
    language sql immutable parallel safe
    return lower(btrim(regexp_replace(
        regexp_replace(normalize(title, NFKC), '[\u00ad\u200b-\u200d\u2060]', '', 'g'),
        '[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff!-/:-@\[-`{-~\u2010-\u2015\u2018-\u201f\u2026]+',
        ' ', 'g')));

-- the index holds the old function's values
reindex index tasks_normalised_title_idx;
