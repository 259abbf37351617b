#!/usr/bin/env bash
# Agent Kanban benchmark (SPEC §10): starts the service on a fresh database exactly as a user would,
# seeds 10,000 and then 100,000 tasks with SQL, drives HTTP load with wrk at 1, 8 and 32 connections,
# replays every operation's SQL with pgbench (the limit), measures the work breakdown (board state
# with relations on a fifth of the tasks, claim_next by 8 agents with 30% of the tasks blocked:
# bench/breakdown.sh), live update latency to 1, 100 and 1,000 WebSocket subscribers, and writes the
# results to docs/benchmarks.md; a full run ends with bench/analytics.sh (flow analytics at 100,000
# tasks and 1,000,000 history rows).
#
#   bench/run.sh            full run: 10 s per measurement (about 25 minutes)
#   bench/run.sh --quick    smoke run: every operation for 2 s, 10,000 tasks, 8 connections, 1 and 10
#                           subscribers; fails on any error, judges no timing; the report goes to
#                           bench/results/<time>/benchmarks.md (docs/benchmarks.md keeps the full run)
#
# Options: --duration SECONDS, --out FILE (default docs/benchmarks.md, or the run's directory with
# --quick), --datasets N,N (task counts), --subscribers N,N (WebSocket subscribers), --breakdown-only
# (only the work breakdown stage per dataset; its report goes to the run's directory), --ws-only
# (only the live update stage, on the last dataset as in a full run; prints its table, writes no
# report), --help.
# BENCH_DB names the database (default kanban_bench; it is dropped and created).
# Needs: PostgreSQL on 127.0.0.1:5432 (user postgres, trust), psql, pgbench, curl, wrk (installed
# with apt-get when missing and run as root) and a JDK 21 or newer.
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
COMMAND="bench/run.sh${*:+ $*}"

QUICK=false
BREAKDOWN_ONLY=false
WS_ONLY=false
DURATION=10
WARMUP=5
FIRST_WARMUP=15
OUT=""
CONCURRENCIES=(1 8 32)
DATASETS=(10000 100000)
SUBSCRIBERS=(1 100 1000)
WS_EVENTS=100
DB=${BENCH_DB:-kanban_bench}   # BENCH_DB: another name, so that two runs on one server do not meet
READ_OPS=(get_task list_column board_state board_stats)
WRITE_OPS=(create_task move_task update_task)

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$SELF"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=true; DURATION=2; WARMUP=1; FIRST_WARMUP=1; CONCURRENCIES=(8); DATASETS=(10000); SUBSCRIBERS=(1 10); WS_EVENTS=10 ;;
    --duration) DURATION="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --breakdown-only) BREAKDOWN_ONLY=true ;;
    --ws-only) WS_ONLY=true ;;
    --datasets) IFS=, read -r -a DATASETS <<<"$2"; shift ;;
    --subscribers) IFS=, read -r -a SUBSCRIBERS <<<"$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || { echo "--duration must be a whole number of seconds" >&2; exit 2; }
! $WS_ONLY || DATASETS=("${DATASETS[-1]}")   # the full run measures live updates on the last

export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
RUN_DIR="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN_DIR"
[ -n "$OUT" ] || { if $QUICK || $BREAKDOWN_ONLY; then OUT="$RUN_DIR/benchmarks.md"; else OUT=docs/benchmarks.md; fi; }
RESULTS="$RUN_DIR/results.tsv"   # kind op dataset conns rps p50_ms p99_ms errors rss_mb load1 app_cpu_ms pg_cpu_ms (per request)
: >"$RESULTS"
WS_RESULTS="$RUN_DIR/websocket.txt"
WS_FAILED=false
APP_PID=""
SQL_DIR=bench/sql
# shellcheck source=sql/scripts.sh
. "$SQL_DIR/scripts.sh"
# shellcheck source=breakdown.sh
. bench/breakdown.sh
# shellcheck source=common.sh
. bench/common.sh

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
load1() { cut -d' ' -f1 /proc/loadavg; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
thousands() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

# ---- tools -------------------------------------------------------------------------------------

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

pick_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    if [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

JAVA_HOME="$(pick_jdk)" || die "no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm)"
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"

if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || die "wrk is missing: install it (Debian/Ubuntu: sudo apt-get install -y wrk)"
  log "installing wrk with apt-get"
  apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
fi
for tool in psql pgbench curl awk sort; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done

if [ ! -f target/agent-kanban.jar ]; then
  log "building target/agent-kanban.jar"
  ./mvnw -q -o package -DskipTests
fi

# ---- the application ---------------------------------------------------------------------------

stop_app() {
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    # during the first start of a build, bin/agent-kanban waits for its cache's training run
    pkill -P "$APP_PID" 2>/dev/null || true
    kill "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$APP_PID" 2>/dev/null || true
  fi
  APP_PID=""
}
trap stop_app EXIT
trap 'exit 130' INT TERM


log "fresh database $DB"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "drop database if exists $DB with (force)" -c "create database $DB" >/dev/null
PORT="$(free_port)" || die "no free port in 18080-18180"
BASE="http://127.0.0.1:$PORT"

# the WebSocket stage holds up to max(SUBSCRIBERS) sockets on each side
MAX_SUBSCRIBERS=$(printf '%s\n' "${SUBSCRIBERS[@]}" | sort -n | tail -1)
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $(( 2 * MAX_SUBSCRIBERS + 1024 )) ]; then
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  log "open files limit: $(ulimit -n)"
fi

log "starting the app on port $PORT (log: $RUN_DIR/app.log)"
LOAD_BEFORE=$(load1)
START_MS=$(now_ms)
# A bench user is created at start. Rate limits (60 requests and 10 WebSocket handshakes a minute
# per client by default) would cap every run, so they are off; the WebSocket connection limit of an
# instance (1,000 by default) is raised so that closing one stage's sockets never delays the next.
APP_ENV=(DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" PORT="$PORT" RATE_LIMIT_ENABLED=false
  MAX_WEBSOCKET_CONNECTIONS=$(( 2 * MAX_SUBSCRIBERS + 100 )) ADMIN_USERNAME=bench ADMIN_PASSWORD=bench-password-1234)
# the README's way (bin/agent-kanban: AOT cache, default memory settings; BENCH_START=... another)
# shellcheck disable=SC2086
env "${APP_ENV[@]}" ${BENCH_START:-bin/agent-kanban} >"$RUN_DIR/app.log" 2>&1 &
APP_PID=$!
# meanwhile, compile the WebSocket subscribers' program (run at the end)
javac -d "$RUN_DIR/ws" bench/ws/WsLatency.java >"$RUN_DIR/ws-javac.log" 2>&1 &
JAVAC_PID=$!
until curl -fsS --max-time 5 -o /dev/null "$BASE/api/v1/health" 2>/dev/null && serves_here "$APP_PID" "$PORT"; do
  kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$RUN_DIR/app.log" >&2; die "the app exited during startup"; }
  [ $(( $(now_ms) - START_MS )) -lt 600000 ] || die "the app did not answer within 600 s"
  sleep 0.05
done
STARTUP_MS=$(( $(now_ms) - START_MS ))
RSS_IDLE_MB=$(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$APP_PID/status")
log "first healthy GET /api/v1/health after $STARTUP_MS ms (RSS $RSS_IDLE_MB MB)"

# the bench admin is created just after the first healthy answer: sign_in asks until it exists
TOKEN=$(sign_in "$BASE") || die "signing in as the bench user failed"
status=$(curl -sS -o "$RUN_DIR/board.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $TOKEN" \
  -d '{"name":"Bench board","description":"created by bench/run.sh"}' "$BASE/api/v1/boards")
[ "$status" = 201 ] || die "creating the board answered $status: $(cat "$RUN_DIR/board.json")"
BOARD=$(sql -c "select max(id) from boards where name = 'Bench board'")
WS=$(sql -c "select workspace_id from boards where id = $BOARD")
COLUMNS=$(sql -c "select string_agg(id::text, ',' order by position) from board_columns where board_id = $BOARD")
IFS=, read -r -a COLUMN_IDS <<<"$COLUMNS"
IFS=, read -r -a COLUMN_KINDS <<<"$(sql -c "select string_agg(kind, ',' order by position) from board_columns where board_id = $BOARD")"
log "board $BOARD with columns $COLUMNS (${COLUMN_KINDS[*]})"

# What the raw side needs to send the same statements: the session's user and token id (the
# authentication filter looks both up on every request) and whether Transactions switches to the
# kanban_app role (it does when the role exists and the pool's user may use it).
jwt_claim() {
  local part
  part=$(cut -d. -f2 <<<"$TOKEN" | tr '_-' '/+')
  while [ $(( ${#part} % 4 )) != 0 ]; do part="$part="; done
  base64 -d <<<"$part" 2>/dev/null | sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p"
}
USER_ID=$(jwt_claim sub)
JTI=$(jwt_claim jti)
[ -n "$USER_ID" ] && [ -n "$JTI" ] || die "could not read sub and jti from the session token"
APP_ROLE=$(sql -c "select case when exists (select 1 from pg_roles where rolname = 'kanban_app')
                   then pg_has_role(current_user, 'kanban_app', 'member') else false end")
[ "$APP_ROLE" = t ] && APP_ROLE=true || APP_ROLE=false

# ---- seeding -----------------------------------------------------------------------------------

declare -A SEED_MS VACUUM_MS PEAK_RSS
seed() {
  local n=$1 t0
  if [ "$(sql -c "select count(*) from tasks")" != 0 ]; then
    log "removing the previous dataset"
    sql -c "truncate tasks, task_history, outbox_events, idempotency_keys cascade" >/dev/null
  fi
  t0=$(now_ms)
  sql -v board="$BOARD" -v n="$n" -f bench/seed.sql >/dev/null
  SEED_MS[$n]=$(( $(now_ms) - t0 ))
  t0=$(now_ms)
  sql -f bench/analyze.sql >/dev/null
  VACUUM_MS[$n]=$(( $(now_ms) - t0 ))
  read -r MIN_ID MAX_ID < <(sql -F ' ' -c "select min(id), max(id) from tasks where board_id = $BOARD")
  [ "$(sql -c "select count(*) from tasks where board_id = $BOARD")" = "$n" ] || die "seed did not insert $n tasks"
  # the move scripts (wrk and pgbench) skip the seed's cancelled tasks by their place: every 50th
  [ "$(sql -c "select count(*) from tasks where board_id = $BOARD and status = 'cancelled'
                and (id - $MIN_ID + 1) % 50 <> 0")" = 0 ] || die "cancelled tasks are not every 50th seeded id"
  log "seeded $(thousands "$n") tasks in ${SEED_MS[$n]} ms (vacuum analyze ${VACUUM_MS[$n]} ms), ids $MIN_ID..$MAX_ID"
}

# ---- wrk ---------------------------------------------------------------------------------------

# CPU time (clock ticks) of the service's process, and of the PostgreSQL backends serving its pool
# (the same statements on the raw side cost PostgreSQL the same): what bounds app/raw on shared cores.
app_ticks() { awk '{ print $14 + $15 }' "/proc/$APP_PID/stat"; }
pg_ticks() {
  local pid total=0
  for pid in $(psql -X -At -d postgres -c "select pid from pg_stat_activity where datname = '$DB' and pid <> pg_backend_pid()"); do
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
TICK_MS=$(( 1000 / $(getconf CLK_TCK) ))

# run_wrk OP DATASET CONNS [record]: one wrk measurement; records a result line unless told "warmup".
run_wrk() {
  local op=$1 n=$2 c=$3 mode=${4:-record} secs=$DURATION threads out line rss="" suffix="" app0 pg0 app_cpu pg_cpu
  if [ "$mode" = warmup ]; then
    secs=$WARMUP
    suffix=-warmup
    # the first dataset meets a cold JVM: give the JIT longer
    [ "$n" != "${DATASETS[0]}" ] || secs=$FIRST_WARMUP
  fi
  threads=$(( c < 2 ? 1 : 2 ))
  out="$RUN_DIR/wrk-$n-$op-c$c$suffix.txt"
  if [ "$mode" = record ] && [ "$c" = 32 ]; then
    echo 5 >"/proc/$APP_PID/clear_refs" 2>/dev/null || true   # restart VmHWM for this run
  fi
  if [ "$mode" = record ]; then app0=$(app_ticks); pg0=$(pg_ticks); fi
  wrk -t"$threads" -c"$c" -d"${secs}s" --timeout 5s --latency -s "bench/wrk/$op.lua" "$BASE" -- \
    min="$MIN_ID" max="$MAX_ID" board="$BOARD" columns="$COLUMNS" token="$TOKEN" >"$out" 2>&1 || die "wrk failed: $(tail -5 "$out")"
  [ "$mode" = record ] || return 0
  app_cpu=$(( ($(app_ticks) - app0) * TICK_MS ))
  pg_cpu=$(( ($(pg_ticks) - pg0) * TICK_MS ))
  line=$(grep '^BENCH ' "$out") || die "wrk printed no summary: $(tail -5 "$out")"
  if [ "$c" = 32 ]; then
    rss=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$APP_PID/status")
    PEAK_RSS[$op-$n]=$rss
  fi
  echo "$line" | awk -v op="$op" -v n="$n" -v c="$c" -v rss="$rss" -v la="$(load1)" -v app="$app_cpu" -v pg="$pg_cpu" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      r = v["requests"] > 0 ? v["requests"] : 1
      printf "app\t%s\t%s\t%s\t%.0f\t%.2f\t%.2f\t%d\t%s\t%s\t%.2f\t%.2f\n", op, n, c, v["rps"], v["p50_us"] / 1000, v["p99_us"] / 1000,
             v["non2xx"] + v["socket_errors"], rss, la, app / r, pg / r
    }' | tee -a "$RESULTS" | awk -F'\t' '{ printf "[bench] %-12s %7s tasks  c=%-2s  %7s req/s  p50 %6s ms  p99 %6s ms  errors %s  CPU/req: app %s ms, PostgreSQL %s ms\n", $2, $3, $4, $5, $6, $7, $8, $11, $12 }' >&2
  if grep -q '^BENCH_FIRST_ERROR' "$out"; then
    log "first error response: $(grep '^BENCH_FIRST_ERROR' "$out" | cut -c19-)"
  fi
}

# ---- pgbench (the limit) -----------------------------------------------------------------------

PGB_DIR="$RUN_DIR/pgbench"
RAW_VARS=()

# raw_vars: the values the pgbench scripts (bench/sql/scripts.sh) bind, for the dataset just seeded:
# the request's identity, the seeded id range, the ids of the first tasks of each column (the tag
# look-up binds the ids the list returned) and event payloads shaped like the application's.
raw_vars() {
  local col task
  RAW_VARS=(-Dws="$WS" -Duid="$USER_ID" -Djti="$JTI" -Dactor=bench -Dboard="$BOARD" -Dmin="$MIN_ID" -Dmax="$MAX_ID")
  for col in "${COLUMN_IDS[@]}"; do
    RAW_VARS+=("-Dids100_$col=$(first_ids "$col" 100)" "-Dids50_$col=$(first_ids "$col" 50)")
  done
  task=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/tasks/$MIN_ID") || die "reading task $MIN_ID failed"
  RAW_VARS+=("-Dpayload_created={\"task\":$task}" "-Dpayload_updated={\"task\":$task}"
    "-Dpayload_moved={\"task\":$task,\"from_column_id\":${COLUMN_IDS[0]}}")
  mapfile -t -O "${#RAW_VARS[@]}" RAW_VARS < <(pgbench_string_vars)
}

first_ids() {  # first_ids COLUMN LIMIT: the ids of the column's first tasks, as a bigint[] literal
  sql -c "select '{' || string_agg(id::text, ',' order by position) || '}'
          from (select id, position from tasks where column_id = $1 order by position limit $2) s"
}

# minimal_scripts: the minimal-SQL limit (bench/sql/minimal/): only what each operation must do, one
# script per column where the operation names one.
MIN_OPS=(get_task list_column board_state board_stats create_task move_task update_task)
write_minimal_scripts() {
  local op col
  for op in "${MIN_OPS[@]}"; do
    case "$op" in
      list_column|create_task|move_task)
        for col in "${COLUMN_IDS[@]}"; do
          { echo "\\set col $col"; grep -v '^--' "bench/sql/minimal/$op.sql"; } >"$PGB_DIR/min_${op}_$col.sql"
        done ;;
      *) grep -v '^--' "bench/sql/minimal/$op.sql" >"$PGB_DIR/min_$op.sql" ;;
    esac
  done
}

# run_pgbench OP DATASET CONNS [KIND]: KIND raw (the service's statements) or min (the minimal SQL)
run_pgbench() {
  local op=$1 n=$2 c=$3 kind=${4:-raw} threads scripts=() f out prefix tps failed glob
  threads=$(( c < 2 ? 1 : 2 ))
  glob="$PGB_DIR/$op"
  [ "$kind" = raw ] || glob="$PGB_DIR/min_$op"
  for f in "$glob"*.sql; do
    # create_task.lua picks medium twice as often as each other priority
    if [[ "$f" == *_medium.sql ]]; then scripts+=(-f "$f@2"); else scripts+=(-f "$f@1"); fi
  done
  out="$RUN_DIR/pgbench-$n-$op-c$c-$kind.txt"
  prefix="$PGB_DIR/log-$op-$c-$kind"
  # --max-tries 4: Transactions.write retries a deadlock or serialization failure up to 4 attempts
  pgbench -n -M prepared -r -c "$c" -j "$threads" -T "$DURATION" --max-tries 4 "${RAW_VARS[@]}" \
    -l --log-prefix="$prefix" "${scripts[@]}" "$DB" >"$out" 2>&1 || die "pgbench failed: $(tail -5 "$out")"
  tps=$(awk '/^tps = / {print $3; exit}' "$out")
  failed=$(awk '/^number of failed transactions/ {print $5; exit}' "$out")
  cat "$prefix".* | awk '{print $3}' | sort -n | awk -v kind="$kind" -v op="$op" -v n="$n" -v c="$c" -v tps="$tps" -v failed="${failed:-0}" -v la="$(load1)" '
      { v[NR] = $1 }
      END { i50 = int(NR * 0.50); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
            printf "%s\t%s\t%s\t%s\t%.0f\t%.2f\t%.2f\t%d\t\t%s\n", kind, op, n, c, tps, v[i50] / 1000, v[i99] / 1000, failed, la }' \
    | tee -a "$RESULTS" | awk -F'\t' '{ printf "[bench] %s %-12s %7s tasks  c=%-2s  %7s tx/s   p50 %6s ms  p99 %6s ms  failed %s\n", $1, $2, $3, $4, $5, $6, $7, $8 }' >&2
  rm -f "$prefix".*
}

# ---- live updates ------------------------------------------------------------------------------

# Commit-to-delivery latency to N WebSocket subscribers of the board (bench/ws/WsLatency.java, a
# separate process): one change at a time through the HTTP API, every subscriber's arrival time.
run_websocket() {
  local subs
  subs=$(IFS=,; echo "${SUBSCRIBERS[*]}")
  log "live updates: $WS_EVENTS changes to $subs WebSocket subscribers of board $BOARD"
  wait "$JAVAC_PID" || die "compiling bench/ws/WsLatency.java failed: $(cat "$RUN_DIR/ws-javac.log")"
  java -cp "$RUN_DIR/ws" WsLatency --base "$BASE" --token "$TOKEN" --board "$BOARD" --tasks "$MIN_ID-$MAX_ID" \
    --subscribers "$subs" --events "$WS_EVENTS" --warmup 5 >"$WS_RESULTS" 2>"$RUN_DIR/websocket.log" \
    || WS_FAILED=true
  sed 's/^/[bench] /' "$WS_RESULTS" >&2
  # the other stages' figures are still written (the run fails at the end), with the failure in the report
  ! $WS_FAILED || { cat "$RUN_DIR/websocket.log" >&2; log "ERROR: the WebSocket latency run failed (see above)"; }
}

# ---- query plans -------------------------------------------------------------------------------

# explain_as_app SQL: EXPLAIN ANALYZE of one statement in a transaction set up as the service sets
# up its own (workspace, actor and role: the row-level security policies apply as they do there).
explain_as_app() {
  local role=""
  $APP_ROLE && role=", set_config('role', 'kanban_app', true)"
  sql <<EOF
begin read only;
select set_config('kanban.actor', 'bench', true), set_config('kanban.workspace_id', '$WS', true)$role \g /dev/null
explain (analyze, buffers) $1;
commit;
EOF
}

# explain_reads: plans of the read statements with literal values (the list's, the get's, and the
# statistics' only statement that reads tasks rather than counters), as the service's role runs them.
explain_reads() {
  local col=${COLUMN_IDS[1]} id=$(( (MIN_ID + MAX_ID) / 2 )) file="$RUN_DIR/explain.txt"
  {
    echo "-- list 100 tasks of a column (column $col)"
    explain_as_app "$(view_of_column "$(task_row) from tasks t where t.workspace_id = $WS and t.deleted_at is null and t.archived_at is null and t.column_id = $col order by t.column_id asc, t.position asc, t.id asc limit 100 offset 0" "" "t.column_id asc, t.position asc, t.id asc" task_json_columns | sed "s/:col\\b/$col/; \$s/;\$//")"
    echo
    echo "-- its total (from the task_counts counters)"
    explain_as_app "$(sed "s/:ws\b/$WS/; s/:col\b/$col/" "$SQL_DIR/column_total.sql")"
    echo
    echo "-- get one task (id $id)"
    explain_as_app "$(view_one "$(task_row) from tasks t where t.workspace_id = $WS and t.id = $id and t.deleted_at is null" task_json_columns | sed '$s/;$//')"
    echo
    echo "-- board statistics: overdue and completed this week"
    explain_as_app "$(sed "s/:board\b/$BOARD/g" "$SQL_DIR/stats_moment.sql")"
  } >"$file"
}

# ---- the run -----------------------------------------------------------------------------------

for n in "${DATASETS[@]}"; do
  seed "$n"
  $WS_ONLY && continue
  if $BREAKDOWN_ONLY; then
    breakdown_stage "$n"
    continue
  fi
  write_pgbench_scripts
  write_minimal_scripts
  raw_vars
  log "warming up the read operations (not recorded)"
  for op in health "${READ_OPS[@]}"; do run_wrk "$op" "$n" 8 warmup; done
  for op in health "${READ_OPS[@]}"; do for c in "${CONCURRENCIES[@]}"; do run_wrk "$op" "$n" "$c"; done; done
  for op in "${READ_OPS[@]}"; do for c in "${CONCURRENCIES[@]}"; do run_pgbench "$op" "$n" "$c"; done; done
  for op in "${READ_OPS[@]}"; do for c in "${CONCURRENCIES[@]}"; do run_pgbench "$op" "$n" "$c" min; done; done
  [ "$n" != "${DATASETS[-1]}" ] || explain_reads
  log "warming up the write operations (not recorded)"
  for op in "${WRITE_OPS[@]}"; do run_wrk "$op" "$n" 8 warmup; done
  for op in "${WRITE_OPS[@]}"; do for c in "${CONCURRENCIES[@]}"; do run_wrk "$op" "$n" "$c"; done; done
  for op in "${WRITE_OPS[@]}"; do for c in "${CONCURRENCIES[@]}"; do run_pgbench "$op" "$n" "$c"; done; done
  for op in "${WRITE_OPS[@]}"; do for c in "${CONCURRENCIES[@]}"; do run_pgbench "$op" "$n" "$c" min; done; done
  breakdown_stage "$n"
done
$BREAKDOWN_ONLY || run_websocket
stop_app

# ---- report ------------------------------------------------------------------------------------

label() {
  case "$1" in
    health) echo "no-database endpoint (\`GET /api/v1/health/simple\`)" ;;
    get_task) echo "get task" ;;
    list_column) echo "list 100 tasks of a column" ;;
    board_state) echo "board state (50 per column)" ;;
    board_stats) echo "board statistics" ;;
    create_task) echo "create task" ;;
    move_task) echo "move task" ;;
    update_task) echo "update task (PATCH title)" ;;
    board_state_relations) echo "board state with relations (50 per column)" ;;
    claim_next) echo "claim next task" ;;
  esac
}

value() {  # value KIND OP DATASET CONNS FIELD(5=rps 6=p50 7=p99 8=errors 11=service CPU/req 12=PostgreSQL CPU/req)
  awk -F'\t' -v k="$1" -v op="$2" -v n="$3" -v c="$4" -v f="$5" '$1 == k && $2 == op && $3 == n && $4 == c { print $f }' "$RESULTS"
}

ratio() {  # ratio OP DATASET CONNS [KIND [OF]]: app throughput / KIND's (raw, min, or app of OF)
  local app raw
  app=$(value app "$1" "$2" "$3" 5)
  raw=$(value "${4:-raw}" "${5:-$1}" "$2" "$3" 5)
  [ -n "$app" ] && [ -n "$raw" ] || { echo "–"; return; }
  awk -v a="$app" -v b="$raw" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

table() {
  local op n c
  echo "| operation | dataset | connections | throughput (req/s) | p50 (ms) | p99 (ms) | errors | raw SQL (tx/s) | app/raw | minimal SQL (tx/s) | app/minimal | app/no-database endpoint | CPU/req: service (ms) | CPU/req: PostgreSQL (ms) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for op in health "${READ_OPS[@]}" "${WRITE_OPS[@]}"; do
    for n in "${DATASETS[@]}"; do
      for c in "${CONCURRENCIES[@]}"; do
        local minimal="" vs_min="" vs_health=""
        minimal=$(value min "$op" "$n" "$c" 5)
        [ -z "$minimal" ] || vs_min=$(ratio "$op" "$n" "$c" min)
        [ "$op" = health ] || vs_health=$(ratio "$op" "$n" "$c" app health)
        echo "| $(label "$op") | $(thousands "$n") | $c | $(thousands "$(value app "$op" "$n" "$c" 5)") | $(value app "$op" "$n" "$c" 6) | $(value app "$op" "$n" "$c" 7) | $(value app "$op" "$n" "$c" 8) | $(thousands "$(value raw "$op" "$n" "$c" 5)") | $( [ "$op" = health ] || ratio "$op" "$n" "$c") | $(thousands "$minimal") | $vs_min | $vs_health | $(value app "$op" "$n" "$c" 11) | $(value app "$op" "$n" "$c" 12) |"
      done
    done
  done
}

raw_table() {
  local op n c
  echo "| operation | dataset | connections | tx/s | p50 (ms) | p99 (ms) | failed |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for op in "${READ_OPS[@]}" "${WRITE_OPS[@]}"; do
    for n in "${DATASETS[@]}"; do
      for c in "${CONCURRENCIES[@]}"; do
        echo "| $(label "$op") | $(thousands "$n") | $c | $(thousands "$(value raw "$op" "$n" "$c" 5)") | $(value raw "$op" "$n" "$c" 6) | $(value raw "$op" "$n" "$c" 7) | $(value raw "$op" "$n" "$c" 8) |"
      done
    done
  done
}

ws_value() {  # ws_value SUBSCRIBERS FIELD: a field of WsLatency's line for that subscriber count
  awk -v n="$1" -v f="$2" '$1 == "WS" { delete v; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                                           if (v["subscribers"] == n) print v[f] }' "$WS_RESULTS"
}

ws_table() {
  local n
  echo "| subscribers | changes | deliveries | missing | p50 from request (ms) | p99 from request (ms) | max from request (ms) | p50 from response (ms) | p99 from response (ms) | request p50 (ms) | connect + subscribe all (ms) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for n in "${SUBSCRIBERS[@]}"; do
    echo "| $(thousands "$n") | $(ws_value "$n" events) | $(thousands "$(ws_value "$n" deliveries)") | $(ws_value "$n" missing) | $(ws_value "$n" p50_send_ms) | $(ws_value "$n" p99_send_ms) | $(ws_value "$n" max_send_ms) | $(ws_value "$n" p50_response_ms) | $(ws_value "$n" p99_response_ms) | $(ws_value "$n" p50_request_ms) | $(ws_value "$n" connect_ms) |"
  done
}

# verdict GOT LIMIT [min]: whether GOT is within LIMIT (at most, or with "min" at least); a quick
# run judges no timing.
verdict() {
  if $QUICK; then echo "not judged (quick run)"; return; fi
  [ -n "$1" ] && [ "$1" != "–" ] || { echo "not measured"; return; }
  awk -v g="$1" -v l="$2" -v min="${3:-}" 'BEGIN { ok = (min == "min") ? g >= l : g <= l; print ok ? "yes" : "**no**" }'
}

target() {  # target LABEL OP DATASET CONNS FIELD LIMIT_MS
  local got
  got=$(value app "$2" "$3" "$4" "$5")
  echo "| $1 | ≤ $6 ms | ${got:-–} ms | $(verdict "$got" "$6") |"
}

ratio_target() {  # ratio_target OP LIMIT: the lowest app/raw of the operation at the largest dataset
  local c r low="" at=""
  for c in "${CONCURRENCIES[@]}"; do
    r=$(ratio "$1" "$BIG" "$c")
    [ "$r" != "–" ] || continue
    if [ -z "$low" ] || awk -v a="$r" -v b="$low" 'BEGIN { exit !(a < b) }'; then low=$r; at=$c; fi
  done
  echo "| $(label "$1"): app/raw throughput at $(thousands "$BIG") tasks, lowest over connections (at $at) | ≥ $2 | ${low:-–} | $(verdict "$low" "$2" min) |"
}

# What bounds the gaps that remain: the CPU each side needs (from this run), the limit the raw SQL
# itself sets (from this run), and the profile of the service under load (measured separately, quoted).
gap_notes() {
  local op c=8 svc pg rps raw
  [[ " ${CONCURRENCIES[*]} " == *" 8 "* ]] || c=${CONCURRENCIES[-1]}
  echo "### What bounds the remaining gap"
  echo
  echo "**CPU per request.** The load generator, the service and PostgreSQL share $(nproc) cores, so throughput is"
  echo "bounded by the CPU time each request needs. At $(thousands "$BIG") tasks and $c connections (CPU time of the"
  echo "service's process and of its pool's PostgreSQL backends during the measurement, per request; the"
  echo "ceiling is $(nproc) cores ÷ the sum, before the load generator takes its share):"
  echo
  echo "| operation | service CPU (ms) | PostgreSQL CPU (ms) | service share | ceiling (req/s) | measured (req/s) | raw SQL (tx/s) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for op in "${READ_OPS[@]}" "${WRITE_OPS[@]}"; do
    svc=$(value app "$op" "$BIG" "$c" 11)
    pg=$(value app "$op" "$BIG" "$c" 12)
    rps=$(value app "$op" "$BIG" "$c" 5)
    raw=$(value raw "$op" "$BIG" "$c" 5)
    [ -n "$svc" ] && [ -n "$pg" ] || continue
    awk -v op="$(label "$op")" -v s="$svc" -v p="$pg" -v r="$rps" -v x="$raw" -v cores="$(nproc)" 'BEGIN {
      t = s + p; printf "| %s | %.2f | %.2f | %.0f%% | %s | %s | %s |\n", op, s, p, (t > 0 ? 100 * s / t : 0),
        (t > 0 ? sprintf("%.0f", cores * 1000 / t) : "–"), r, x }'
  done
  echo
  echo "Where the service needs several times PostgreSQL's CPU for a request, app/raw cannot reach the"
  echo "budget on shared cores, whatever the SQL: pgbench spends next to nothing besides PostgreSQL's"
  echo "work, the service spends its share on top of it."
  echo
  echo "**The raw SQL's own limit.** The list budget (p50 ≤ 5 ms, p99 ≤ 20 ms at 8 connections) applies"
  echo "to the service, but PostgreSQL alone running the same statements at $c connections measured p50"
  echo "$(value raw list_column "$BIG" "$c" 6) ms, p99 $(value raw list_column "$BIG" "$c" 7) ms here: at $c connections on $(nproc) cores, latency is mostly queueing"
  echo "(mean ≈ connections ÷ throughput), so the list meets the budget only where the raw SQL sustains"
  echo "about 8 ÷ 5 ms = 1,600 lists a second."
  write_limits
  echo
  echo "**Profile of the service** (JFR \`jdk.ExecutionSample\`, 30 s of \`GET /api/v1/tasks/{id}\` at 8"
  echo "connections, 100,000 tasks, after a 30 s warm-up; other builds kept the 2-core machine at a load"
  echo "average of 7 to 12, so compare the shares, not absolute times). Samples of the request threads by"
  echo "the innermost frame outside the JDK:"
  echo
  echo "| component | before (\`dd1a7b0\`) | after \`24f582b\` | after \`3065567\` |"
  echo "|---|---:|---:|---:|"
  echo "| Micrometer observations | 14.3% | 3.4% | 5.6% |"
  echo "| JWT check (Nimbus, Spring Security OAuth2) | 7.5% | 9.0% | 0.2% |"
  echo "| Spring MVC handler mapping | 5.9% | 5.9% | 4.5% |"
  echo "| Spring MVC return value, content negotiation, ETag | 4.9% | 4.7% | 5.9% |"
  echo "| JSON (Jackson) | 5.5% | 7.0% | 8.9% |"
  echo "| JDBC driver and pool (pgjdbc, Hikari) | 9.8% | 11.4% | 15.3% |"
  echo "| Spring JDBC and transactions | 2.7% | 3.1% | 4.7% |"
  echo "| Spring Security filters | 5.5% | 6.5% | 6.2% |"
  echo "| Tomcat (HTTP parsing, connector, valves) | 18.7% | 22.0% | 22.2% |"
  echo "| application code (\`dev.agentkanban\`) | 5.1% | 5.2% | 6.0% |"
  echo "| other Spring (filters, dispatch, CORS check, path parsing) | 19.3% | 19.8% | 19.7% |"
  echo "| other | 0.8% | 2.0% | 0.8% |"
  echo "| samples per 1,000 requests | 140 | 113 | 108 |"
  echo
  echo "What the profile showed and what was fixed: Spring Security wrapped each of its filters and the"
  echo "authorization decision in a Micrometer observation (most of the 14.3%; now off, the request as a"
  echo "whole is still observed as \`http.server.requests\`); converting the JWT issuer \`agent-kanban\` to"
  echo "a URL threw an \`IllegalArgumentException\` on every request (8,352 exceptions in the 30 s before,"
  echo "49 after, mostly socket timeouts and resets of connections); a \`ServletRequestHandledEvent\` was published per request"
  echo "for no listener; and the session token's signature was checked on every request (now once per"
  echo "token until it expires; revocation is still checked in the database on every request). Together"
  echo "about a quarter fewer samples per request. What remains is spread over the framework: Tomcat's"
  echo "request handling, Spring MVC's handler lookup (\`/tasks/{id}\` is matched against every pattern"
  echo "mapping), return value handling and content negotiation, JSON, and the JDBC driver for the seven"
  echo "statements a get sends (two of them the authentication look-ups). No single component is large"
  echo "enough for a small fix to close a several-fold gap to raw SQL on shared cores."
  echo
  echo "The list (100 tasks a response), profiled the same way after these fixes: JSON writing 30% of the"
  echo "request threads' samples (Jackson reads each record component reflectively and formats four"
  echo "timestamps per task), the JDBC driver 20% (100 rows of 30 columns), mapping rows 13% (including"
  echo "parsing each task's metadata JSON), Tomcat 13%. Jackson's Blackbird module, which replaces the"
  echo "reflection, is not among the project's dependencies."
  echo
  echo "Where app/raw exceeds 1 for writes at 32 connections: the service's pool (20 connections) admits"
  echo "fewer transactions at once than pgbench's 32 clients, and fewer of them queue on the same column"
  echo "lock."
}

# The write budgets (p50 at one connection) against what the same SQL alone needs, and where the raw
# time goes: the costliest statements of each write's first script and how many round trips it makes.
write_limits() {
  local op file
  # needs the one-connection runs (a quick run has only 8 connections)
  [ -f "$RUN_DIR/pgbench-$BIG-${WRITE_OPS[0]}-c1-raw.txt" ] || return 0
  echo
  echo "**Writes at one connection.** The write budgets (p50 ≤ 5 ms) apply to the service; PostgreSQL alone,"
  echo "sent the same statements one transaction at a time, measured at $(thousands "$BIG") tasks:"
  echo
  echo "| operation | raw p50 (ms) | service p50 (ms) | statements | costliest statements (pgbench average, ms) |"
  echo "|---|---:|---:|---:|---|"
  for op in "${WRITE_OPS[@]}"; do
    file="$RUN_DIR/pgbench-$BIG-$op-c1-raw.txt"
    [ -f "$file" ] || continue
    awk '/statement latencies/ { on = 1; next } on && (/^SQL script/ || /^$/) { exit } on && $4 !~ /^\\/' "$file" \
      | awk -v op="$(label "$op")" -v raw="$(value raw "$op" "$BIG" 1 6)" -v app="$(value app "$op" "$BIG" 1 6)" '
          { n++; ms[n] = $1; $1 = $2 = $3 = ""; sub(/^ +/, ""); split($0, w, " "); what[n] = w[1] " " w[2] " " w[3]; sub(/ +$/, "", what[n]) }
          END {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (ms[j] > ms[i]) { t = ms[i]; ms[i] = ms[j]; ms[j] = t; t = what[i]; what[i] = what[j]; what[j] = t }
            printf "| %s | %s | %s | %d | `%s` %.2f; `%s` %.2f |\n", op, raw, app, n, what[1], ms[1], what[2], ms[2]
          }'
  done
  echo
  echo "Each statement is a round trip of about 0.2 ms on this machine even when PostgreSQL has little to"
  echo "do, the task's insert or update carries the history, counter and notification triggers, and the COMMIT"
  echo "waits for the WAL flush (\`synchronous_commit\` on: an acknowledged write survives a crash). So"
  echo "where the raw SQL alone is near 5 ms, the service (the same SQL plus HTTP, JSON and the JVM)"
  echo "cannot be under it: what would close the gap is fewer round trips per write (fewer look-ups"
  echo "before the insert, the row and its outbox event in one statement), not a faster service."
}

# pgbench's average latency per statement of an operation's (first) script.
statement_latencies() {  # statement_latencies OP
  awk '/statement latencies/ { on = 1; next } on && (/^SQL script/ || /^$/) { exit } on' \
    "$RUN_DIR/pgbench-$BIG-$1-c${CONCURRENCIES[0]}-raw.txt" | cut -c1-120
}

if $WS_ONLY; then
  echo
  ws_table
  ! $WS_FAILED || die "the WebSocket latency run failed (see $RUN_DIR/websocket.log)"
  exit 0
fi

if $BREAKDOWN_ONLY; then
  {
    echo "# Work breakdown benchmark"
    echo
    echo "- command: \`$COMMAND\` ($DURATION s per measurement), $(date -u +%Y-%m-%dT%H:%M:%SZ), commit \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`"
    echo "- machine: $(nproc) cores, shared with the load generator and PostgreSQL; 1-minute load average $LOAD_BEFORE before the start, at most $(awk -F'\t' '$10 > m { m = $10 } END { print m + 0 }' "$RESULTS") at the end of a measurement"
    echo
    breakdown_report
  } >"$OUT"
  cat "$OUT"
  errors=$(awk -F'\t' '{ s += $8 } END { print s + 0 }' "$RESULTS")
  [ "$errors" = 0 ] || die "$errors error responses: the run failed (see $RUN_DIR)"
  exit 0
fi

LOAD_MAX=$(awk -F'\t' '$10 > m { m = $10 } END { print m + 0 }' "$RESULTS")
TOTAL_ERRORS=$(awk -F'\t' '{ s += $8 } END { print s + 0 }' "$RESULTS")
WS_MISSING=$(awk '$1 == "WS" { for (i = 2; i <= NF; i++) if ($i ~ /^missing=/) { split($i, kv, "="); s += kv[2] } } END { print s + 0 }' "$WS_RESULTS")
BIG=${DATASETS[-1]}
MOST=$MAX_SUBSCRIBERS
PEAK_RSS_MAX=$(printf '%s\n' "${PEAK_RSS[@]:-}" | sort -n | tail -1)
PG_VERSION=$(psql -X -At -d postgres -c "show server_version")
JDK_VERSION=$(java -version 2>&1 | head -1)
CPU_MODEL=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
MEM_GB=$(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
TABLE=$(table)
WS_TABLE=$(ws_table)

mkdir -p "$(dirname "$OUT")"
{
  echo "# Benchmarks"
  echo
  echo "Generated by \`bench/run.sh\`; rerun it rather than editing this file. Targets: SPEC §10 and the"
  echo "benchmark issue's budget."
  if $QUICK; then
    echo
    echo "**Quick run** (a smoke test: every operation for a few seconds, on a small dataset). Its timings"
    echo "are not judged; \`docs/benchmarks.md\` holds the latest full run."
  fi
  echo
  echo "## How to run"
  echo
  echo '```sh'
  echo "bench/run.sh           # 10 s per measurement, about 25 minutes"
  echo "bench/run.sh --quick   # every operation for 2 s, 10,000 tasks, 8 connections: about 2 minutes"
  echo "bench/run.sh --ws-only # only the live update stage (1, 100 and 1,000 subscribers at 100,000 tasks)"
  echo "bench/fanout.sh        # the inbox fan-out to 1,000 watchers (issue 15): docs/benchmarks-fanout.md"
  echo '```'
  echo
  echo "It needs PostgreSQL on 127.0.0.1:5432 (user \`postgres\`, trust), \`psql\`, \`pgbench\`, \`curl\`,"
  echo "\`wrk\` (installed with apt-get when missing and run as root) and a JDK 21 or newer. It builds"
  echo "\`target/agent-kanban.jar\` if missing, recreates the database \`$DB\`, starts the service the way a"
  echo "user does (\`DATABASE_URL=postgresql://postgres@127.0.0.1:5432/$DB PORT=<free port> ${BENCH_START:-bin/agent-kanban}\`,"
  echo "its default memory settings (and AOT cache: the first start of a build includes its training run), default pool of 20 connections; \`RATE_LIMIT_ENABLED=false\` and"
  echo "\`MAX_WEBSOCKET_CONNECTIONS=$(( 2 * MAX_SUBSCRIBERS + 100 ))\` so that neither limit caps the load), and stops it at the end. Raw wrk,"
  echo "pgbench and WebSocket output, the app log and the query plans are kept in \`bench/results/<time>/\`"
  echo "(not committed). A quick run writes its report there too, unless \`--out\` names a file."
  echo
  echo "## This run"
  echo
  echo "- command: \`$COMMAND\` ($DURATION s per measurement; before them, per operation and dataset, a warm-up at 8 connections of $WARMUP s, $FIRST_WARMUP s for the first dataset, not recorded)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit \`$COMMIT\`"
  echo "- machine: $(nproc) cores ($CPU_MODEL), $MEM_GB GB memory; the load generator, the service and"
  echo "  PostgreSQL share these cores; 1-minute load average $LOAD_BEFORE before the start, at most $LOAD_MAX"
  echo "  at the end of a measurement (the benchmark's own processes count too)"
  echo "- PostgreSQL $PG_VERSION (default settings); $JDK_VERSION; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); $(pgbench --version)"
  echo "- startup to the first healthy \`GET /api/v1/health\` on an empty database (including the"
  echo "  Flyway migration): **$STARTUP_MS ms**; resident memory then: $RSS_IDLE_MB MB"
  for n in "${DATASETS[@]}"; do
    echo "- seeding $(thousands "$n") tasks (one transaction, audit trigger included): **${SEED_MS[$n]} ms**, then \`vacuum analyze\` ${VACUUM_MS[$n]} ms"
  done
  if [ -n "$PEAK_RSS_MAX" ]; then
    echo "- peak resident memory of the service (VmHWM) during the 32-connection runs:"
    for n in "${DATASETS[@]}"; do
      printf '  %s tasks:' "$(thousands "$n")"
      sep=" "
      for op in "${READ_OPS[@]}" "${WRITE_OPS[@]}"; do
        printf '%s%s %s MB' "$sep" "$(label "$op")" "${PEAK_RSS[$op-$n]:-?}"
        sep="; "
      done
      echo
    done
  fi
  echo
  echo "## Results"
  echo
  echo "wrk with 2 threads (1 for one connection), keep-alive, 5 s timeout, against 127.0.0.1, signed in as"
  echo "a real user (a session token from \`POST /api/v1/auth/login\`). Errors are responses other than 2xx"
  echo "plus socket errors and timeouts; any error fails the run. *raw SQL* is pgbench (\`-M prepared\`, same"
  echo "connections, same database, \`--max-tries 4\` like the service's retry of a deadlock) sending the"
  echo "statements the service sends for the operation, in the same order and transactions, including the"
  echo "authentication look-ups, the \`set_config\`/role statement of each transaction, the history"
  echo "(trigger), counter (trigger) and outbox writes (see \`bench/sql/README.md\`); *app/raw* is the"
  echo "service's throughput as a fraction of it."
  echo
  echo "Datasets: one board with the four default columns; the tasks are spread evenly over the columns"
  echo "(so a column holds a quarter of them), positions 65,536 apart, about 35% tagged. Each dataset is"
  echo "seeded fresh; reads are measured before writes (app, then raw). Reads pick random task ids and"
  echo "random columns; creates go to the end of a random column with a random priority; moves send a"
  echo "random seeded task that is not cancelled to the end of a random column; updates give a random"
  echo "seeded task a new title."
  echo
  echo "$TABLE"
  echo
  echo "*CPU/req* is the CPU time (user + system) of the service's process and of the PostgreSQL"
  echo "backends serving its pool during the measurement, divided by the requests (background work such"
  echo "as the outbox dispatcher included)."
  echo
  echo "Reading the numbers: the load generator, the service and PostgreSQL compete for the same cores,"
  echo "so at 8 and 32 connections the latencies are mostly queueing (mean latency ≈ connections ÷ throughput)."
  echo "Compare an operation with its raw SQL run rather than across machines. When the load average"
  echo "above is well over the core count, other processes competed too and the run is noisy."
  echo
  breakdown_report
  echo
  echo "## Live updates"
  echo
  echo "\`bench/ws/WsLatency.java\` (a separate JVM) opens the WebSocket subscribers of the board (token"
  echo "as \`Sec-WebSocket-Protocol: bearer, <token>\`, then \`subscribe_board\`), then makes $WS_EVENTS changes"
  echo "(after 5 not recorded), one at a time: \`PATCH /api/v1/tasks/{id}\` with a new title, and the next"
  echo "change only when every subscriber has the event (10 s deadline; a missing delivery fails the run)."
  echo "Latency is per change and subscriber, from two start instants: *from request* = from sending the"
  echo "HTTP request, an upper bound on commit-to-delivery (it includes the request's work before its"
  echo "commit, *request p50*); *from response* = from receiving the response, which follows the commit"
  echo "(an event may arrive before the response, so this is a reference, not a bound). The subscribers"
  echo "share the cores with the service and PostgreSQL."
  echo
  echo "$WS_TABLE"
  if $WS_FAILED; then
    echo
    echo "**The live update stage failed** (the run failed; a subscriber count without a row did not finish):"
    echo
    echo '```'
    head -20 "$RUN_DIR/websocket.log"
    echo '```'
  fi
  echo
  echo "## Inbox fan-out (issue 15)"
  echo
  echo "One change to a task that 1,000 members watch, each with a WebSocket open: the time until every"
  echo "inbox row exists and until every live notification is delivered. Measured by its own script,"
  echo "\`bench/fanout.sh\` (on the test harness, about 3 minutes), not by this run; its latest figures are"
  echo "in [benchmarks-fanout.md](benchmarks-fanout.md)."
  echo
  echo "## Budget"
  echo
  echo "| target | limit | measured | met |"
  echo "|---|---:|---:|---|"
  target "list 100 tasks of a column at $(thousands "$BIG") tasks, p50 (8 connections)" list_column "$BIG" 8 6 5
  target "list 100 tasks of a column at $(thousands "$BIG") tasks, p99 (8 connections)" list_column "$BIG" 8 7 20
  target "board statistics at $(thousands "$BIG") tasks, p50 (1 connection; SPEC: ≤ 50 ms, issue: ≤ 10 ms)" board_stats "$BIG" 1 6 10
  target "get one task, p50 (1 connection, $(thousands "$BIG") tasks)" get_task "$BIG" 1 6 2
  target "create one task, p50 (1 connection, $(thousands "$BIG") tasks)" create_task "$BIG" 1 6 5
  target "move one task, p50 (1 connection, $(thousands "$BIG") tasks)" move_task "$BIG" 1 6 5
  target "update one task, p50 (1 connection, $(thousands "$BIG") tasks)" update_task "$BIG" 1 6 5
  for op in "${READ_OPS[@]}"; do ratio_target "$op" 0.5; done
  for op in "${WRITE_OPS[@]}"; do ratio_target "$op" 0.75; done
  got=$(ws_value "$MOST" p99_send_ms)
  echo "| live update delivery to $(thousands "$MOST") subscribers, p99 from request | ≤ 100 ms | ${got:-–} ms | $(verdict "$got" 100) |"
  echo "| startup to healthy (this run: local PostgreSQL, empty database, migrations included; the budget names the embedded default) | ≤ 5,000 ms | $STARTUP_MS ms | $(verdict "$STARTUP_MS" 5000) |"
  echo "| peak resident memory under 32-connection load | ≤ 400 MB | ${PEAK_RSS_MAX:-–} MB | $(verdict "$PEAK_RSS_MAX" 400) |"
  echo
  gap_notes
  echo
  echo "## Raw SQL (pgbench)"
  echo
  raw_table
  echo
  echo "Where the raw time goes: pgbench's average latency per statement (ms) at $(thousands "$BIG") tasks,"
  echo "${CONCURRENCIES[0]} connection(s) (for the operations with one script per column or priority, the first script)."
  for op in "${READ_OPS[@]}" "${WRITE_OPS[@]}"; do
    echo
    echo "$(label "$op"):"
    echo
    echo '```'
    statement_latencies "$op"
    echo '```'
  done
  if [ -f "$RUN_DIR/explain.txt" ]; then
    echo
    echo "## Query plans at $(thousands "$BIG") tasks"
    echo
    echo "\`EXPLAIN (ANALYZE, BUFFERS)\` of the read statements with literal values, after the read runs, in a"
    echo "transaction set up like the service's (workspace, actor, role: row-level security applies)."
    echo
    echo '```'
    cat "$RUN_DIR/explain.txt"
    echo '```'
  fi
} >"$OUT"

echo
echo "$TABLE"
echo
echo "$WS_TABLE"
echo
log "results written to $OUT (raw output in $RUN_DIR)"
if ! $QUICK; then
  stop_app
  log "analytics benchmark (bench/analytics.sh)"
  bench/analytics.sh --out "$OUT"
fi
if [ "$TOTAL_ERRORS" != 0 ] || [ "$WS_MISSING" != 0 ] || $WS_FAILED; then
  die "$TOTAL_ERRORS error responses or failed raw transactions, $WS_MISSING missing live deliveries$($WS_FAILED && echo ', the live update stage failed'): the run failed (see $RUN_DIR)"
fi
