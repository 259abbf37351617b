-- The least a list of 100 tasks of a column must do: one ordered select (the column is :col, set by run.sh).
select * from tasks where column_id = :col order by position, id limit 100;
