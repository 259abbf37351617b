-- The least a create must do: insert the task (its audit trigger writes the history row). Odd positions
-- never meet the seed's (multiples of 65,536), nor, drawn from 10^15, each other.
\set title random(1, 2000000000)
\set p random(1, 1000000000000000)
insert into tasks (workspace_id, board_id, column_id, position, title, status, priority, created_by)
values (:ws, :board, :col, 2 * (:p)::bigint + 1, :title, 'pending', 'medium', :actor);
