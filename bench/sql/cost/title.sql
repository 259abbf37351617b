begin; update tasks set title = 't:i' where id = :r; commit;
