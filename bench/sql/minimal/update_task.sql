-- The least an update of the title must do: update the task (its audit trigger writes the history row).
\set id random(:min, :max)
\set title random(1, 2000000000)
update tasks set title = :title where id = :id;
