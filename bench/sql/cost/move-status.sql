begin; update tasks set column_id = :c, status = (array['pending','in_progress','in_progress','completed'])[:c], position = 2 * :i::bigint + 1 where id = :r; commit;
