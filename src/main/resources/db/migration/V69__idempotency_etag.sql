-- A replayed answer carries the ETag the first one had (a task's or board's version), as it carries
-- its Location: SPEC §4 wants an ETag on every task and board response.
alter table idempotency_keys add column etag text;
