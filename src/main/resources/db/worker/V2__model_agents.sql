-- Model-backed agents (docs/worker.md, "Model-backed agents"): what each job cost, which model and
-- prompt produced a hint, the daily token budget, and the embeddings of open tasks for the semantic
-- duplicate agent. A worker database follows one workspace's feed, so its budget is that workspace's.

-- Usage per job: null for the deterministic agents (and for a model agent that fell back to them).
-- input_hash: a digest of what was sent, so an unchanged task is not sent again after every move.
alter table agent_results
    add column input_hash     text,
    add column model          text,
    add column prompt_version text,
    add column tokens_in      integer check (tokens_in >= 0),
    add column tokens_out     integer check (tokens_out >= 0),
    add column latency_ms     integer check (latency_ms >= 0);

create index agent_results_input_idx on agent_results (task_id, agent, input_hash) where input_hash is not null;

-- Which model and prompt version proposed a draft (both null for the deterministic agents).
alter table hint_drafts
    add column model          text,
    add column prompt_version text;

-- Tokens spent per day (UTC); the model agents stop asking the model once a day's budget is spent.
create table model_usage (
    day         date primary key,
    tokens_in   bigint not null default 0 check (tokens_in >= 0),
    tokens_out  bigint not null default 0 check (tokens_out >= 0),
    calls       integer not null default 0 check (calls >= 0),
    updated_at  timestamptz not null default now()
);

-- The embedding of each analysed task's title and description (redacted as sent), per model; a
-- changed text (content_hash) is embedded again.
create table task_embeddings (
    task_id       bigint primary key,
    board_id      bigint not null,
    model         text not null,
    content_hash  text not null,
    embedding     real[] not null,
    updated_at    timestamptz not null default now()
);
create index task_embeddings_board_idx on task_embeddings (board_id);
