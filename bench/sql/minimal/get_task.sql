-- The least a get task must do: read the task by id.
\set id random(:min, :max)
select * from tasks where id = :id;
