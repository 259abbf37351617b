-- E-mail for notifications (issue 15): each person's preference, which notifications have been put
-- into a mail, and the durable mail outbox the sender works through.

-- off, instant (one mail per notification) or digest (at most one mail per EMAIL_DIGEST_MINUTES)
create table notification_preferences (
    user_id     bigint primary key references users (id) on delete cascade,
    email       text not null default 'instant' check (email in ('off', 'instant', 'digest')),
    updated_at  timestamptz not null default now()
);

-- when a notification went into a mail (or was passed over: preference off, no address)
alter table notifications add column mailed_at timestamptz;
create index notifications_unmailed_idx on notifications (user_id, id) where mailed_at is null;

-- The mail outbox: a mail is written here in the same transaction that marks its notifications
-- mailed, and sent by whichever instance claims it (lease); a failed attempt is retried with backoff,
-- a sent one is recorded with its time and never sent again. Mails are per person, not per
-- workspace (a digest may span workspaces), so the table has no workspace and no row security.
create table email_outbox (
    id               bigint generated always as identity primary key,
    user_id          bigint not null references users (id) on delete cascade,
    kind             text not null check (kind in ('instant', 'digest')),
    to_address       text not null check (char_length(to_address) <= 320),
    subject          text not null check (char_length(subject) <= 500),
    body             text not null,
    notification_ids bigint[] not null,
    status           text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    lease_until      timestamptz,
    last_error       text check (char_length(last_error) <= 1000),
    created_at       timestamptz not null default now(),
    sent_at          timestamptz
);
create index email_outbox_due_idx on email_outbox (next_attempt_at) where status = 'pending';
create index email_outbox_user_idx on email_outbox (user_id, kind, created_at);

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'kanban_app') then
        execute 'grant select, insert, update, delete on notification_preferences, email_outbox to kanban_app';
        execute 'grant usage, select on all sequences in schema public to kanban_app';
    end if;
end
$$;
