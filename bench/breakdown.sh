# Work breakdown stage of bench/run.sh (issue 14), sourced by it; uses its helpers (sql, log, die,
# run_wrk, value, thousands) and variables (BOARD, QUICK, RESULTS, RUN_DIR).
#
# For each dataset, after the write operations:
#   1. relations on a fifth of the tasks (n/5 rows: one parent/child pair and one blocks pair in every
#      ten tasks), then the board state (50 per column) with wrk, as for board_state;
#   2. those blockers removed and 30% of the claimable tasks (pending, unclaimed) made blocked by
#      another claimable task, then claim_next at 8 connections (8 agents polling the board), and a
#      check that no task claimed during the run has an open blocker (the run fails otherwise).
# The statements one board-state request sends do not depend on the tasks or relations: counted per
# request by BoardStateStatementsTest (see docs/work-breakdown.md), not here.

BREAKDOWN_OPS=(board_state_relations claim_next)
declare -A BREAKDOWN_RELATIONS BREAKDOWN_BLOCKED BREAKDOWN_CLAIMED

breakdown_seed_relations() {  # one parent pair and one blocks pair in every ten tasks of the board
  sql -v board="$BOARD" >/dev/null <<'SQL'
begin;
select set_config('kanban.actor', 'bench', true) \g /dev/null
delete from task_relations where workspace_id = (select workspace_id from boards where id = :board);
with t as (select id, workspace_id, row_number() over (order by id) - 1 as i from tasks where board_id = :board)
insert into task_relations (workspace_id, kind, from_task_id, to_task_id, created_by)
select a.workspace_id, case when a.i % 10 = 0 then 'parent' else 'blocks' end, a.id, b.id, 'bench'
from t a join t b on b.i = a.i + 1
where a.i % 10 in (0, 5);
commit;
vacuum analyze task_relations;
SQL
}

breakdown_seed_blocked() {  # 30% of the claimable tasks blocked by another claimable task of their ten
  sql -v board="$BOARD" >/dev/null <<'SQL'
begin;
select set_config('kanban.actor', 'bench', true) \g /dev/null
delete from task_relations where kind = 'blocks' and workspace_id = (select workspace_id from boards where id = :board);
with c as (
    select id, workspace_id, row_number() over (order by id) - 1 as i from tasks
    where board_id = :board and status = 'pending' and claimed_by is null
)
insert into task_relations (workspace_id, kind, from_task_id, to_task_id, created_by)
select b.workspace_id, 'blocks', a.id, b.id, 'bench'
from c b join c a on a.i = b.i - b.i % 10 + 5
where b.i % 10 in (6, 7, 8);
commit;
vacuum analyze task_relations;
SQL
}

# The share of the claimable tasks that are blocked (an open blocker), in percent.
breakdown_blocked_share() {
  sql -c "select round(100.0 * count(*) filter (where exists (
                   select 1 from task_relations r join tasks b on b.id = r.from_task_id
                   where r.to_task_id = t.id and r.kind = 'blocks' and b.status in ('pending', 'in_progress')))
                 / greatest(count(*), 1), 1)
          from tasks t where t.board_id = $BOARD and t.status = 'pending' and t.claimed_by is null"
}

breakdown_stage() {  # breakdown_stage DATASET
  local n=$1 c conns bad
  breakdown_seed_relations
  BREAKDOWN_RELATIONS[$n]=$(sql -c "select count(*) from task_relations r join tasks t on t.id = r.to_task_id where t.board_id = $BOARD")
  log "work breakdown: $(thousands "${BREAKDOWN_RELATIONS[$n]}") relations on $(thousands "$n") tasks"
  if $QUICK; then conns=(8); else conns=(1 8); fi
  run_wrk board_state_relations "$n" 8 warmup
  for c in "${conns[@]}"; do run_wrk board_state_relations "$n" "$c"; done

  breakdown_seed_blocked
  run_wrk claim_next "$n" 8 warmup
  # claims are taken by the bench user: release them (the warm-up's too) so that the run starts alike
  sql -c "update tasks set claimed_by = null, claim_expires_at = null where board_id = $BOARD and claimed_by is not null" >/dev/null
  BREAKDOWN_BLOCKED[$n]=$(breakdown_blocked_share)
  log "work breakdown: ${BREAKDOWN_BLOCKED[$n]}% of the claimable tasks blocked"
  BREAKDOWN_RELATIONS[claim-$n]=$(sql -c "select count(*) from task_relations r join tasks t on t.id = r.to_task_id where t.board_id = $BOARD")
  run_wrk claim_next "$n" 8
  BREAKDOWN_CLAIMED[$n]=$(sql -c "select count(*) from tasks where board_id = $BOARD and claimed_by = 'bench'")
  bad=$(sql -c "select count(*) from tasks t where t.board_id = $BOARD and t.claimed_by = 'bench' and exists (
                  select 1 from task_relations r join tasks b on b.id = r.from_task_id
                  where r.to_task_id = t.id and r.kind = 'blocks' and b.status in ('pending', 'in_progress'))")
  [ "$bad" = 0 ] || die "claim_next handed out $bad blocked tasks"
  log "work breakdown: ${BREAKDOWN_CLAIMED[$n]} tasks claimed, none of them blocked"
}

breakdown_report() {
  local n op c
  echo "## Work breakdown"
  echo
  echo "After the write operations of each dataset (\`bench/breakdown.sh\`): relations on a fifth of the"
  echo "tasks (in every ten tasks one parent/child pair and one blocker), then the board state as above;"
  echo "then those blockers replaced by blockers that make 30% of the claimable tasks (pending, unclaimed)"
  echo "blocked, and \`POST /api/v1/tasks/claim-next\` by 8 connections at once (8 agents polling the board;"
  echo "each 200 is a claimed task, a 204 would mean none qualified). After the claim run the script checks"
  echo "that no task claimed by the run has an open blocker, and fails if one has."
  echo
  echo "| operation | dataset | relations | blocked (of claimable) | connections | throughput (req/s) | p50 (ms) | p99 (ms) | errors | tasks claimed | CPU/req: service (ms) | CPU/req: PostgreSQL (ms) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for n in "${DATASETS[@]}"; do
    for op in "${BREAKDOWN_OPS[@]}"; do
      for c in 1 8; do
        [ -n "$(value app "$op" "$n" "$c" 5)" ] || continue
        echo "| $(label "$op") | $(thousands "$n") | $(thousands "$([ "$op" = claim_next ] && echo "${BREAKDOWN_RELATIONS[claim-$n]:-0}" || echo "${BREAKDOWN_RELATIONS[$n]:-0}")") | $([ "$op" = claim_next ] && echo "${BREAKDOWN_BLOCKED[$n]}%" || echo "–") | $c | $(thousands "$(value app "$op" "$n" "$c" 5)") | $(value app "$op" "$n" "$c" 6) | $(value app "$op" "$n" "$c" 7) | $(value app "$op" "$n" "$c" 8) | $([ "$op" = claim_next ] && thousands "${BREAKDOWN_CLAIMED[$n]}" || echo "–") | $(value app "$op" "$n" "$c" 11) | $(value app "$op" "$n" "$c" 12) |"
      done
    done
  done
  echo
  echo "Statements per board-state request: the breakdown of every shown task (blocked, blockers, parent,"
  echo "subtask and checklist progress) is read by one statement for the whole response, so the count does"
  echo "not grow with tasks or relations; \`BoardStateStatementsTest\` counts the statements of one request"
  echo "at the JDBC driver and fails if a board with relations needs more than one without (see"
  echo "docs/work-breakdown.md for the count)."
}
