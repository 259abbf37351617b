-- Issue #19: a statement that writes tasks no longer reads, plans and prepares its fourteen CHECK
-- constraints and its stored generated column. PostgreSQL 15 does that in every statement (ExecRelCheck
-- and the generated column's set-up parse each stored expression, stringToNode, and plan it,
-- expression_planner, once per execution of the statement, prepared or not): about 280,000 of a title
-- change's 1.5 million instructions (docs/benchmarks.md, "The tasks' checks in the write trigger").
-- PL/pgSQL keeps its expressions planned for the session, so the same rules move into the row trigger
-- every insert and update of tasks already runs:
--
--  - The checks: one expression of all of them per written row; only when it is false, the first
--    failing constraint in name order (the order PostgreSQL checks them in) is raised as it was, SQL
--    state 23514 check_violation with the constraint's name, so every writer (the API, imports,
--    restores, admin SQL) is refused the same rows with the same error. A check is true or unknown as
--    a CHECK constraint is (a null passes). Every row written is checked, changed columns or not: a
--    comparison of a column with its old value costs what its check costs.
--  - search: a plain column the trigger sets from the title and the description, computed only when
--    one of them changed (a move, a status change or a claim no longer parses the text again; the
--    service's update sets every column, which made PostgreSQL compute it on every update).
--
-- A trigger does not run where triggers are off (session_replication_role = replica, a table's
-- triggers disabled): a superuser's pg_restore --disable-triggers or logical replication would take
-- rows unchecked, as they would take them without their version and timestamps.

alter table tasks
    drop constraint tasks_acceptance_criteria_check,
    drop constraint tasks_area_check,
    drop constraint tasks_assignee_check,
    drop constraint tasks_cancel_reason_check,
    drop constraint tasks_custom_fields_shape,
    drop constraint tasks_description_check,
    drop constraint tasks_epic_check,
    drop constraint tasks_metadata_check,
    drop constraint tasks_occurrence_count_check,
    drop constraint tasks_off_board_has_no_position,
    drop constraint tasks_owner_check,
    drop constraint tasks_priority_check,
    drop constraint tasks_status_check,
    drop constraint tasks_title_check;
alter table tasks alter column search drop expression;

-- The first of the former CHECK constraints, in name order, that row T fails (false, not unknown), or
-- null. The same expressions as the constraints of V1, V28 and V33; the long texts are measured in
-- characters only when their bytes could be over the limit (octet_length does not read a stored text).
create function tasks_failed_check(t tasks) returns text language plpgsql immutable as $$
begin
    return case
        when not (octet_length(t.acceptance_criteria) <= 20000 or char_length(t.acceptance_criteria) <= 20000)
            then 'tasks_acceptance_criteria_check'
        when not (char_length(t.area) <= 200) then 'tasks_area_check'
        when not (char_length(t.assignee) <= 200) then 'tasks_assignee_check'
        when not (octet_length(t.cancel_reason) <= 2000 or char_length(t.cancel_reason) <= 2000)
            then 'tasks_cancel_reason_check'
        when not (jsonb_typeof(t.custom_fields) = 'object' and pg_column_size(t.custom_fields) <= 65536)
            then 'tasks_custom_fields_shape'
        when not (octet_length(t.description) <= 100000 or char_length(t.description) <= 100000)
            then 'tasks_description_check'
        when not (char_length(t.epic) <= 200) then 'tasks_epic_check'
        when not (jsonb_typeof(t.metadata) = 'object' and pg_column_size(t.metadata) <= 65536)
            then 'tasks_metadata_check'
        when not (t.occurrence_count >= 1) then 'tasks_occurrence_count_check'
        when not ((t.position is null) = (t.archived_at is not null or t.deleted_at is not null))
            then 'tasks_off_board_has_no_position'
        when not (t.owner in ('user', 'agent')) then 'tasks_owner_check'
        when not (t.priority in ('low', 'medium', 'high', 'urgent')) then 'tasks_priority_check'
        when not (t.status in ('pending', 'in_progress', 'completed', 'cancelled')) then 'tasks_status_check'
        when not (char_length(t.title) >= 1 and char_length(t.title) <= 500) then 'tasks_title_check'
    end;
end
$$;

-- V57's function with the checks first (on the row as given: the trigger changes no checked column)
-- and search kept.
create or replace function tasks_before_write() returns trigger language plpgsql as $$
declare
    probe tasks;
    failed text;
begin
    if not ((octet_length(new.acceptance_criteria) <= 20000 or char_length(new.acceptance_criteria) <= 20000)
            and char_length(new.area) <= 200
            and char_length(new.assignee) <= 200
            and (octet_length(new.cancel_reason) <= 2000 or char_length(new.cancel_reason) <= 2000)
            and jsonb_typeof(new.custom_fields) = 'object' and pg_column_size(new.custom_fields) <= 65536
            and (octet_length(new.description) <= 100000 or char_length(new.description) <= 100000)
            and char_length(new.epic) <= 200
            and jsonb_typeof(new.metadata) = 'object' and pg_column_size(new.metadata) <= 65536
            and new.occurrence_count >= 1
            and (new.position is null) = (new.archived_at is not null or new.deleted_at is not null)
            and new.owner in ('user', 'agent')
            and new.priority in ('low', 'medium', 'high', 'urgent')
            and new.status in ('pending', 'in_progress', 'completed', 'cancelled')
            and char_length(new.title) >= 1 and char_length(new.title) <= 500) then
        failed := tasks_failed_check(new);
        raise exception using
            errcode = 'check_violation',
            message = format('new row for relation "%s" violates check constraint "%s"', tg_table_name, failed),
            constraint = failed,
            table = tg_table_name,
            schema = tg_table_schema;
    end if;
    if tg_op = 'INSERT' then
        new.search := to_tsvector('english', new.title || ' ' || coalesce(new.description, ''));
        new.created_at := coalesce(new.created_at, now());
        new.updated_at := new.created_at;
        new.column_entered_at := coalesce(new.column_entered_at, now());
        new.version := 1;
        if new.status = 'completed' then
            new.completed_at := coalesce(new.completed_at, now());
        else
            new.completed_at := null;
        end if;
        if new.assignee is not null then
            new.view_parts := new.view_parts | 64;
        end if;
        return new;
    end if;
    if new.title is distinct from old.title or new.description is distinct from old.description then
        new.search := to_tsvector('english', new.title || ' ' || coalesce(new.description, ''));
    else
        new.search := old.search;
    end if;
    -- a pure reorder (position only) is not a change of the task: no new version, no new updated_at
    probe := new;
    probe.position := old.position;
    probe.view_parts := old.view_parts;
    if probe is not distinct from old then
        return new;
    end if;
    new.updated_at := now();
    new.version := old.version + 1;
    if new.column_id is distinct from old.column_id then
        new.column_entered_at := now();
    end if;
    if new.status = 'completed' and old.status is distinct from 'completed' then
        new.completed_at := coalesce(new.completed_at, now());
    elsif new.status <> 'completed' then
        new.completed_at := null;
    end if;
    if new.assignee is not null and new.assignee is distinct from old.assignee then
        new.view_parts := new.view_parts | 64;
    end if;
    return new;
end
$$;

-- The assignee's membership (V31) only when there is something to do: the service's update sets every
-- column, so "update of assignee" ran the function (an after-trigger event, the row fetched again) on
-- every update of a task. The conditions are the function's own first tests.
drop trigger tasks_sync_assignees on tasks;
create trigger tasks_sync_assignees after insert on tasks
    for each row when (new.assignee is not null) execute function tasks_sync_assignees();
create trigger tasks_sync_assignees_changed after update of assignee on tasks
    for each row when (old.assignee is distinct from new.assignee) execute function tasks_sync_assignees();
