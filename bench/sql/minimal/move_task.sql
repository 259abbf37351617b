-- The least a move must do: update the task's column and position (its audit trigger writes the history row).
\set id random(:min, :max)
\set p random(1, 1000000000000000)
update tasks set column_id = :col, position = 2 * (:p)::bigint + 1 where id = :id;
