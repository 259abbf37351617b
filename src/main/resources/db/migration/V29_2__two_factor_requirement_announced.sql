-- A workspace turning its two-factor requirement on or off changes who may act in it: announce it on
-- kanban_access like the other access changes (V13, V26), so every instance's cache of the
-- requirement (identity.RouteAccess) is emptied at once.
create trigger workspaces_two_factor_changed after update of require_two_factor on workspaces
    for each row when (old.require_two_factor is distinct from new.require_two_factor)
    execute function identity_changed();
