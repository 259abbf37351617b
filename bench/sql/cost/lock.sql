begin; select * from lock_task_for_change(1, :r); commit;
