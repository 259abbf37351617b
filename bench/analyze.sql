-- After a seed: the planner's statistics of every table, as autovacuum brings them up to date on a
-- server that runs it. The seed fills tasks, their tags and history and, through the triggers, the
-- counters and flow tables; left as analysed when empty (the migrations' state), those mislead the
-- plans of every write's flow fold (a bitmap over the whole workspace's flow_spans rows per move).
-- The CI's PostgreSQL runs without autovacuum, so nothing else would. psql -f runs each statement on
-- its own (VACUUM cannot run in a transaction).
vacuum analyze;
