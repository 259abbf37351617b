begin; update tasks set status = (array['pending','in_progress','completed','in_progress'])[:c] where id = :r; commit;
