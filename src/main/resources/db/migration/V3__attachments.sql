-- Rules of comments, tags and evidence that the database enforces too, not only the code
-- (SPEC §3: constraints in the database). Existing rows already satisfy them: the API never wrote otherwise.

alter table comments
    add constraint comments_body_not_blank check (body ~ '[^[:space:]]');

alter table tags
    add constraint tags_name_trimmed check (name = btrim(name) and name <> '');

alter table evidence
    add constraint evidence_kind_needs
        check (case kind
                   when 'note' then note is not null
                   when 'link' then url is not null
                   when 'measurement' then measurement_value is not null
                   when 'file' then content is not null
                   when 'photo' then content is not null or url is not null
                   when 'voice' then content is not null or url is not null
                   else true
               end),
    add constraint evidence_url_is_web check (url is null or url ~* '^https?://'),
    add constraint evidence_coordinates_paired check ((latitude is null) = (longitude is null)),
    add constraint evidence_size_matches_content
        check ((content is null and size_bytes is null) or size_bytes = octet_length(content));
