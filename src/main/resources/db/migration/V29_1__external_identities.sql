-- Users signed in by a directory (LDAP) or an identity provider (OIDC): where the account comes from
-- and its id there (the LDAP entry's DN, the provider's subject). Such users have no password here.
alter table users
    add column external_source text check (external_source is null or external_source in ('ldap', 'oidc')),
    add column external_id text check (external_id is null or char_length(external_id) <= 500);
create unique index users_external_identity on users (external_source, external_id) where external_source is not null;
