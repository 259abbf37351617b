-- The least board statistics must do: read the board's counters (task_counts, kept by trigger).
select column_id, status, priority, n from task_counts where board_id = :board and n > 0;
