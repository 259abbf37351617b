-- One place in SQL for the order of priorities (low < medium < high < urgent), used by the claim's
-- "most urgent first", the list's priority sort and its index. Java's Priority enum declares the same
-- order; PriorityRankTest checks that the two agree.
create function priority_rank(priority text) returns integer
    language sql immutable parallel safe
    return array_position(array['low', 'medium', 'high', 'urgent'], priority);

drop index tasks_priority_sort_idx;
create index tasks_priority_sort_idx on tasks (workspace_id, priority_rank(priority));
