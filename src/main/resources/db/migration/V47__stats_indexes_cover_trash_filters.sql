-- Board statistics at 100,000 tasks went from about 2.5 ms to 9.2 ms p50 (bench/run.sh, 2026-12-05).
-- Not the flow counters (the statistics do not read them): issue 17's trash and archive filters.
-- stats/StatsRepository.moment now counts overdue tasks that are on the board (position is not null)
-- and tasks completed this week that are not in the trash (deleted_at is null); neither column was
-- in V10's indexes, so every matching row was fetched from the table again, as before V10: on a
-- 100,000-task board 7,324 buffers per statement instead of 249 (EXPLAIN (ANALYZE, BUFFERS) as the
-- service's role, 5,001 overdue and 2,175 completed rows). Carrying the two columns in the indexes
-- lets the counts be answered from them again (index-only scans). The keys and the partial
-- predicates are V10's, so every other statement that used these indexes still can.
drop index tasks_open_due_idx;
create index tasks_open_due_idx on tasks (board_id, workspace_id, due_date) include (position)
    where due_date is not null and status in ('pending', 'in_progress');
drop index tasks_completed_idx;
create index tasks_completed_idx on tasks (board_id, workspace_id, completed_at) include (deleted_at)
    where completed_at is not null;
