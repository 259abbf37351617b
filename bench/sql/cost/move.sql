begin; update tasks set column_id = :c, position = 2 * :i::bigint + 1 where id = :r; commit;
