-- The delivery log shows the start of the target's answer (issue 17's "response excerpt"): the first
-- characters of the latest attempt's response body, control characters removed.
alter table webhook_deliveries
    add column response_excerpt text check (char_length(response_excerpt) <= 500);
