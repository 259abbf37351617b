-- The least a board state must do: the first 50 tasks of each of the board's columns, in one statement.
select t.* from board_columns c
cross join lateral (select * from tasks t where t.column_id = c.id and t.position is not null
                    order by t.position limit 50) t
where c.board_id = :board order by c.position, t.position;
