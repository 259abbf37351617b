-- An API token's expiry changed in the database (an operator shortening it) is an access change like
-- its revocation (V13): announced on kanban_access, so every instance's identity cache (V26) forgets
-- the token's old expiry within the listener's delay instead of trusting it until restart.
create trigger api_tokens_expiry_changed after update of expires_at on api_tokens
    for each row when (old.expires_at is distinct from new.expires_at)
    execute function access_changed();
