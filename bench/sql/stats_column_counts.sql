select column_id,
       coalesce(sum(n) filter (where priority = 'low'), 0) as low,
       coalesce(sum(n) filter (where priority = 'medium'), 0) as medium,
       coalesce(sum(n) filter (where priority = 'high'), 0) as high,
       coalesce(sum(n) filter (where priority = 'urgent'), 0) as urgent,
       coalesce(sum(n) filter (where status = 'pending'), 0) as pending,
       coalesce(sum(n) filter (where status = 'in_progress'), 0) as in_progress,
       coalesce(sum(n) filter (where status = 'completed'), 0) as completed,
       coalesce(sum(n) filter (where status = 'cancelled'), 0) as cancelled
from task_counts
where board_id = :board and n > 0
group by column_id
