-- A column lock first takes KEY SHARE on the column's board, then the column FOR UPDATE: the order in
-- which a board's delete (the board FOR UPDATE, then its columns and tasks by cascade) and its column
-- changes (PUT, add, update, delete a column: the board FOR UPDATE, then the columns) take them.
--
-- Before, a create locked its column and only then, through the insert's foreign key, KEY SHARE on the
-- board: a board deleted at the same moment held the board and waited for the column, the create held
-- the column and waited for the board, and PostgreSQL broke the deadlock after deadlock_timeout (1 s).
-- A move locked the column without ever locking the board, and a column renamed by PUT columns bumps the
-- version of the column's tasks (V71): renaming the move's source column while moving into another of
-- the board's columns could deadlock the same way.
--
-- KEY SHARE conflicts only with FOR UPDATE (delete, and the board changes that lock it so), not with
-- other creates and moves: they still take turns per column only. Taking the board lock inside the
-- function costs no round trip. When the board or the column is gone after the wait, no row answers
-- (a 404 to the caller).
create function lock_board_column(p_ws bigint, p_column bigint) returns setof board_columns
language plpgsql volatile as $$
declare
    v_board bigint;
begin
    select bc.board_id into v_board from board_columns bc where bc.workspace_id = p_ws and bc.id = p_column;
    if not found then
        return;
    end if;
    perform 1 from boards b where b.workspace_id = p_ws and b.id = v_board for key share;
    if not found then
        return;
    end if;
    return query
        select * from board_columns bc
        where bc.workspace_id = p_ws and bc.id = p_column and bc.board_id = v_board
        for update;
end $$;

create or replace function lock_column_for_placement(p_ws bigint, p_column bigint, p_self bigint)
returns table (id bigint, board_id bigint, name text, "position" integer, kind text, wip_limit integer,
               last_position bigint, task_count bigint)
language plpgsql volatile as $$
declare
    c board_columns;
begin
    select * into c from lock_board_column(p_ws, p_column);
    if not found then
        return;
    end if;
    if c.wip_limit is null then
        return query
            select c.id, c.board_id, c.name::text, c.position::integer, c.kind::text, null::integer,
                   (select max(t.position) from tasks t where t.column_id = p_column and t.id <> p_self
                      and t.position is not null)::bigint,
                   0::bigint;
    else
        return query
            select c.id, c.board_id, c.name::text, c.position::integer, c.kind::text, c.wip_limit::integer,
                   (select max(t.position) from tasks t where t.column_id = p_column and t.id <> p_self
                      and t.position is not null)::bigint,
                   (select count(*) from tasks t where t.column_id = p_column and t.position is not null);
    end if;
end $$;
