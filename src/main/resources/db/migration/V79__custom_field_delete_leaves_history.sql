-- A custom field deleted took its values off the tasks silently: the definition went, the values stayed
-- in tasks.custom_fields under the field's id (never shown again, but a later replacing PUT recorded
-- their loss as "fields.<id>"), and only the version moved (V71). Now the values go with the field,
-- before the definition does, so tasks_audit writes one history row per task that held a value:
-- fields.<name>, the value -> null, by the actor of the deletion; the version follows the change.
create function custom_fields_delete_values() returns trigger language plpgsql as $$
begin
    update tasks t set custom_fields = t.custom_fields - old.id::text
    where t.board_id = old.board_id and t.custom_fields ? old.id::text;
    return old;
end
$$;
create trigger custom_fields_delete_values before delete on custom_fields
    for each row execute function custom_fields_delete_values();
