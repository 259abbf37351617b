-- Work breakdown (issue 14): claim_next picks the most urgent claimable task that no open task blocks,
-- preferring, among equally urgent ones, the task that unblocks the most. With this index it reads
-- only the claimable tasks of the most urgent priority (in priority order, then oldest) instead of
-- every task of the board: at 100,000 tasks with 30% of the claimable ones blocked, about 3,900 rows
-- instead of 100,000 (bench/breakdown.sh; the plan in docs/work-breakdown.md).
-- The predicate is the claim's own condition (TaskRepository.lockNextClaimable), so the planner can use it.
create index tasks_claimable_idx on tasks (board_id, priority_rank(priority) desc, created_at, id)
    where status = 'pending' or (status = 'in_progress' and claimed_by is not null);
