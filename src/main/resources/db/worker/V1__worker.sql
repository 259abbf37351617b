-- The worker's own database (SPEC §8): its cursor in the API's change feed, a projection of the
-- tasks built from the events, processing jobs, what the agents found, and the hint drafts it pushes
-- back to the API. Nothing here refers to the API database; ids of boards, columns and tasks are the
-- API's, as the events carry them.

-- How far the feed has been read. One row; followers advance it with compare-and-set.
create table feed_cursor (
    singleton   boolean primary key default true check (singleton),
    position    bigint not null check (position >= 0),
    updated_at  timestamptz not null default now()
);
insert into feed_cursor (position) values (0);

-- The projection: columns (from board events) and tasks (from task events), each row as of the
-- newest event applied to it.
create table worker_columns (
    id          bigint primary key,
    board_id    bigint not null,
    name        text not null,
    kind        text not null,
    position    integer not null,
    wip_limit   integer check (wip_limit is null or wip_limit > 0)
);
create index worker_columns_board_idx on worker_columns (board_id);

create table worker_tasks (
    id                   bigint primary key,
    board_id             bigint not null,
    column_id            bigint not null,
    title                text not null,
    description          text,
    acceptance_criteria  text,
    status               text not null check (status in ('pending', 'in_progress', 'completed', 'cancelled')),
    priority             text not null check (priority in ('low', 'medium', 'high', 'urgent')),
    epic                 text,
    tags                 text[] not null default '{}',
    version              bigint not null,
    updated_at           timestamptz not null,
    last_event_id        bigint not null,
    -- the API's normalised_title(): lower case, whitespace runs collapsed, trimmed
    normalised_title     text generated always as (lower(btrim(regexp_replace(title, '\s+', ' ', 'g')))) stored
);
create index worker_tasks_title_idx on worker_tasks (board_id, normalised_title);
create index worker_tasks_column_idx on worker_tasks (column_id);
create index worker_tasks_stale_idx on worker_tasks (updated_at) where status = 'in_progress';

-- One job per relevant event and registered agent (idempotent per event). pending → processing →
-- completed | failed; a failed attempt goes back to pending with exponential backoff until the last.
-- A job whose worker died is taken up again when its lease (locked_until) has passed.
create table agent_processing_jobs (
    id               bigint generated always as identity primary key,
    event_id         bigint not null,
    event_type       text not null,
    task_id          bigint not null,
    agent            text not null check (char_length(agent) between 1 and 100),
    status           text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed')),
    attempts         integer not null default 0 check (attempts >= 0),
    next_attempt_at  timestamptz not null default now(),
    locked_by        text,
    locked_until     timestamptz,
    last_error       text,
    created_at       timestamptz not null default now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    unique (event_id, agent),
    check ((status = 'processing') = (locked_until is not null))
);
create index agent_jobs_due_idx on agent_processing_jobs (next_attempt_at, id) where status = 'pending';
create index agent_jobs_lease_idx on agent_processing_jobs (locked_until) where status = 'processing';
create index agent_jobs_task_idx on agent_processing_jobs (task_id);

-- What an agent concluded about a task (one row per completed job, or per sweep finding).
create table agent_results (
    id          bigint generated always as identity primary key,
    job_id      bigint unique references agent_processing_jobs (id) on delete cascade,
    task_id     bigint not null,
    agent       text not null,
    findings    integer not null check (findings >= 0),
    details     jsonb not null default '[]'::jsonb,
    created_at  timestamptz not null default now()
);
create index agent_results_task_idx on agent_results (task_id);

-- Hints to push to the API. A draft is unique per task and content, so re-analysing an unchanged task
-- proposes nothing new; it is synced only once the API accepted it (2xx), rejected when the API
-- refuses it for good (the task is gone, or the hint is invalid), else retried with backoff.
create table hint_drafts (
    id               bigint generated always as identity primary key,
    result_id        bigint references agent_results (id) on delete set null,
    task_id          bigint not null,
    agent            text not null,
    type             text not null
                     check (type in ('title', 'description', 'priority', 'tags', 'epic', 'actions', 'duplicate', 'stale', 'wip')),
    message          text not null check (char_length(message) between 1 and 2000),
    suggestion       jsonb not null default '{}'::jsonb check (jsonb_typeof(suggestion) = 'object'),
    fingerprint      text generated always as (md5(type || ':' || suggestion::text)) stored,
    status           text not null default 'pending' check (status in ('pending', 'synced', 'rejected')),
    attempts         integer not null default 0 check (attempts >= 0),
    next_attempt_at  timestamptz not null default now(),
    last_error       text,
    api_hint_id      bigint,
    created_at       timestamptz not null default now(),
    synced_at        timestamptz,
    unique (task_id, fingerprint),
    check ((status = 'synced') = (synced_at is not null))
);
create index hint_drafts_due_idx on hint_drafts (next_attempt_at, id) where status = 'pending';
