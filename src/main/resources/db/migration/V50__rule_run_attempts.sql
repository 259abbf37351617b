-- Bounded retries of a rule run that fails for a reason other than a refused action (issue 15's open
-- point: such a run stayed pending and was retried on every poll, for ever, ahead of newer runs). Each
-- failed attempt is counted; the run waits until next_attempt_at (a doubling backoff) and, after
-- kanban.rules.max-attempts, is marked failed with the reason in its detail (rule/RuleEngine).
-- A constant default adds the columns without rewriting the table.
alter table rule_runs add column attempts integer not null default 0 check (attempts >= 0);
alter table rule_runs add column next_attempt_at timestamptz;
