-- Mails that are not notifications (issue 15's mail outbox as a port for other features, e.g. an
-- invitation): no person behind them, no notifications, and an idempotency key given by the caller,
-- so that queuing the same mail twice (a retried request) sends it once.
alter table email_outbox alter column user_id drop not null;
alter table email_outbox alter column notification_ids set default '{}';
alter table email_outbox drop constraint email_outbox_kind_check;
alter table email_outbox add constraint email_outbox_kind_check check (kind in ('instant', 'digest', 'message'));
alter table email_outbox add column idempotency_key text check (char_length(idempotency_key) <= 200);
create unique index email_outbox_idempotency_idx on email_outbox (idempotency_key) where idempotency_key is not null;
alter table email_outbox add constraint email_outbox_message_check
    check ((kind = 'message') = (user_id is null) and (kind <> 'message' or idempotency_key is not null));
