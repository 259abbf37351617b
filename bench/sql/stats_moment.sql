with w as (select date_trunc('week', now() at time zone 'UTC') at time zone 'UTC' as start)
select w.start,
       (select count(*) from tasks
         where board_id = :board and due_date < now() and status in ('pending', 'in_progress')
           and position is not null) as overdue,
       (select count(*) from tasks
         where board_id = :board and completed_at >= w.start and deleted_at is null) as completed
from w
