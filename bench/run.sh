#!/usr/bin/env bash
# Agent Kanban benchmark (SPEC §10): starts the service on a fresh database exactly as a user would,
# seeds 10,000 and then 100,000 tasks with SQL, drives HTTP load with wrk at 1, 8 and 32 connections,
# replays the read operations' SQL with pgbench (the limit), and writes the results to
# docs/benchmarks.md.
#
#   bench/run.sh            full run: 10 s per measurement (about 13 minutes)
#   bench/run.sh --quick    2 s per measurement (about 3 minutes)
#
# Options: --duration SECONDS, --out FILE (default docs/benchmarks.md), --datasets N,N (task counts,
# default 10000,100000), --help.
# Needs: PostgreSQL on 127.0.0.1:5432 (user postgres, trust), psql, pgbench, curl, wrk (installed
# with apt-get when missing and run as root) and a JDK 21 or newer.
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
COMMAND="bench/run.sh${*:+ $*}"

DURATION=10
WARMUP=5
OUT=docs/benchmarks.md
CONCURRENCIES=(1 8 32)
DATASETS=(10000 100000)
DB=kanban_bench
READ_OPS=(get_task list_column board_state)
WRITE_OPS=(create_task move_task update_task)

usage() { sed -n '2,13p' "$SELF" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) DURATION=2; WARMUP=2 ;;
    --duration) DURATION="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --datasets) IFS=, read -r -a DATASETS <<<"$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || { echo "--duration must be a whole number of seconds" >&2; exit 2; }

export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
RUN_DIR="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN_DIR"
RESULTS="$RUN_DIR/results.tsv"   # kind op dataset conns rps p50_ms p99_ms errors rss_mb load1
: >"$RESULTS"
APP_PID=""

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
    kill "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$APP_PID" 2>/dev/null || true
  fi
  APP_PID=""
}
trap stop_app EXIT
trap 'exit 130' INT TERM

free_port() {
  local port
  for port in $(seq 18080 18180); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

log "fresh database $DB"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "drop database if exists $DB with (force)" -c "create database $DB" >/dev/null
PORT="$(free_port)" || die "no free port in 18080-18180"
BASE="http://127.0.0.1:$PORT"

log "starting the app on port $PORT (log: $RUN_DIR/app.log)"
LOAD_BEFORE=$(load1)
START_MS=$(now_ms)
# a bench user is created at start; rate limits would cap every run at 60 requests a minute
DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" PORT="$PORT" RATE_LIMIT_ENABLED=false \
  ADMIN_USERNAME=bench ADMIN_PASSWORD=bench-password-1234 java -jar target/agent-kanban.jar >"$RUN_DIR/app.log" 2>&1 &
APP_PID=$!
until curl -fsS -o /dev/null "$BASE/api/v1/health" 2>/dev/null; do
  kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$RUN_DIR/app.log" >&2; die "the app exited during startup"; }
  [ $(( $(now_ms) - START_MS )) -lt 180000 ] || die "the app did not answer within 180 s"
  sleep 0.05
done
STARTUP_MS=$(( $(now_ms) - START_MS ))
RSS_IDLE_MB=$(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$APP_PID/status")
log "first healthy GET /api/v1/health after $STARTUP_MS ms (RSS $RSS_IDLE_MB MB)"

TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-password-1234"}' \
  "$BASE/api/v1/auth/login" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || die "signing in as the bench user failed"
status=$(curl -sS -o "$RUN_DIR/board.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $TOKEN" \
  -d '{"name":"Bench board","description":"created by bench/run.sh"}' "$BASE/api/v1/boards")
[ "$status" = 201 ] || die "creating the board answered $status: $(cat "$RUN_DIR/board.json")"
BOARD=$(sql -c "select max(id) from boards where name = 'Bench board'")
WS=$(sql -c "select workspace_id from boards where id = $BOARD")
COLUMNS=$(sql -c "select string_agg(id::text, ',' order by position) from board_columns where board_id = $BOARD")
IFS=, read -r -a COLUMN_IDS <<<"$COLUMNS"
log "board $BOARD with columns $COLUMNS"

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
  sql -c "vacuum analyze tasks" -c "vacuum analyze task_tags" -c "vacuum analyze task_history" >/dev/null
  VACUUM_MS[$n]=$(( $(now_ms) - t0 ))
  read -r MIN_ID MAX_ID < <(sql -F ' ' -c "select min(id), max(id) from tasks where board_id = $BOARD")
  [ "$(sql -c "select count(*) from tasks where board_id = $BOARD")" = "$n" ] || die "seed did not insert $n tasks"
  log "seeded $(thousands "$n") tasks in ${SEED_MS[$n]} ms (vacuum analyze ${VACUUM_MS[$n]} ms), ids $MIN_ID..$MAX_ID"
}

# ---- wrk ---------------------------------------------------------------------------------------

# run_wrk OP DATASET CONNS [record]: one wrk measurement; records a result line unless told "warmup".
run_wrk() {
  local op=$1 n=$2 c=$3 mode=${4:-record} secs=$DURATION threads out line rss="" suffix=""
  if [ "$mode" = warmup ]; then
    secs=$WARMUP
    suffix=-warmup
    # the first dataset meets a cold JVM: give the JIT three times as long
    [ "$n" != "${DATASETS[0]}" ] || secs=$(( WARMUP * 3 ))
  fi
  threads=$(( c < 2 ? 1 : 2 ))
  out="$RUN_DIR/wrk-$n-$op-c$c$suffix.txt"
  if [ "$mode" = record ] && [ "$c" = 32 ]; then
    echo 5 >"/proc/$APP_PID/clear_refs" 2>/dev/null || true   # restart VmHWM for this run
  fi
  wrk -t"$threads" -c"$c" -d"${secs}s" --timeout 5s --latency -s "bench/wrk/$op.lua" "$BASE" -- \
    min="$MIN_ID" max="$MAX_ID" board="$BOARD" columns="$COLUMNS" token="$TOKEN" >"$out" 2>&1 || die "wrk failed: $(tail -5 "$out")"
  [ "$mode" = record ] || return 0
  line=$(grep '^BENCH ' "$out") || die "wrk printed no summary: $(tail -5 "$out")"
  if [ "$c" = 32 ]; then
    rss=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$APP_PID/status")
    PEAK_RSS[$op-$n]=$rss
  fi
  echo "$line" | awk -v op="$op" -v n="$n" -v c="$c" -v rss="$rss" -v la="$(load1)" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "app\t%s\t%s\t%s\t%.0f\t%.2f\t%.2f\t%d\t%s\t%s\n", op, n, c, v["rps"], v["p50_us"] / 1000, v["p99_us"] / 1000,
             v["non2xx"] + v["socket_errors"], rss, la
    }' | tee -a "$RESULTS" | awk -F'\t' '{ printf "[bench] %-12s %7s tasks  c=%-2s  %7s req/s  p50 %6s ms  p99 %6s ms  errors %s\n", $2, $3, $4, $5, $6, $7, $8 }' >&2
  if grep -q '^BENCH_FIRST_ERROR' "$out"; then
    log "first error response: $(grep '^BENCH_FIRST_ERROR' "$out" | cut -c19-)"
  fi
}

# ---- pgbench (the limit) -----------------------------------------------------------------------

PGB_DIR="$RUN_DIR/pgbench"

# The application's read transaction (Transactions.read): BEGIN READ ONLY, the actor and workspace
# settings, the queries of the operation, COMMIT. The statements are those of TaskQueries.java.
begin_read() {
  echo "begin read only;"
  echo "select set_config('kanban.actor', 'anonymous', true), set_config('kanban.workspace_id', '$WS', true);"
}

tags_of() {  # the tag look-up of TaskQueries.tagsOf for the given id array expression
  echo "select tt.task_id, g.id, g.name, g.color from task_tags tt join tags g on g.id = tt.tag_id"
  echo "where tt.task_id = any($1) order by lower(g.name);"
}

first_ids() {  # first_ids COLUMN LIMIT: the ids the application returns for the first page of a column
  sql -c "select '''{' || string_agg(id::text, ',' order by position) || '}''::bigint[]'
          from (select id, position from tasks where column_id = $1 order by position limit $2) s"
}

write_pgbench_scripts() {
  local col k=0
  rm -rf "$PGB_DIR" && mkdir -p "$PGB_DIR"
  {
    echo "\\set id random(:min, :max)"
    begin_read
    cat bench/sql/task_select.sql
    echo " where t.workspace_id = :ws and t.id = :id;"
    tags_of "array[:id]::bigint[]"
    echo "commit;"
  } >"$PGB_DIR/get_task.sql"
  for col in "${COLUMN_IDS[@]}"; do
    {
      begin_read
      cat bench/sql/task_select.sql
      echo " where t.workspace_id = :ws and t.column_id = $col order by t.column_id asc, t.position asc, t.id asc limit 100 offset 0;"
      echo "select count(*) from tasks t where t.workspace_id = :ws and t.column_id = $col;"
      tags_of "$(first_ids "$col" 100)"
      echo "commit;"
    } >"$PGB_DIR/list_column_$k.sql"
    k=$((k + 1))
  done
  {
    begin_read
    echo "select id, workspace_id, name, description, version, created_by, created_at, updated_at from boards where workspace_id = :ws and id = $BOARD;"
    echo "select id, board_id, name, position, kind, wip_limit from board_columns where workspace_id = :ws and board_id = $BOARD order by position;"
    echo "select column_id, count(*) from tasks where board_id = $BOARD group by column_id;"
    for col in "${COLUMN_IDS[@]}"; do
      cat bench/sql/task_select.sql
      echo " where t.column_id = $col order by t.position limit 50 offset 0;"
      tags_of "$(first_ids "$col" 50)"
    done
    echo "commit;"
  } >"$PGB_DIR/board_state.sql"
}

run_pgbench() {
  local op=$1 n=$2 c=$3 threads scripts=() f out prefix tps failed
  threads=$(( c < 2 ? 1 : 2 ))
  for f in "$PGB_DIR/$op"*.sql; do scripts+=(-f "$f"); done
  out="$RUN_DIR/pgbench-$n-$op-c$c.txt"
  prefix="$PGB_DIR/log-$op-$c"
  pgbench -n -M prepared -r -c "$c" -j "$threads" -T "$DURATION" -D ws="$WS" -D min="$MIN_ID" -D max="$MAX_ID" \
    -l --log-prefix="$prefix" "${scripts[@]}" "$DB" >"$out" 2>&1 || die "pgbench failed: $(tail -5 "$out")"
  tps=$(awk '/^tps = / {print $3; exit}' "$out")
  failed=$(awk '/^number of failed transactions/ {print $5; exit}' "$out")
  cat "$prefix".* | awk '{print $3}' | sort -n | awk -v op="$op" -v n="$n" -v c="$c" -v tps="$tps" -v failed="${failed:-0}" -v la="$(load1)" '
      { v[NR] = $1 }
      END { i50 = int(NR * 0.50); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
            printf "raw\t%s\t%s\t%s\t%.0f\t%.2f\t%.2f\t%d\t\t%s\n", op, n, c, tps, v[i50] / 1000, v[i99] / 1000, failed, la }' \
    | tee -a "$RESULTS" | awk -F'\t' '{ printf "[bench] raw %-12s %7s tasks  c=%-2s  %7s tx/s   p50 %6s ms  p99 %6s ms  failed %s\n", $2, $3, $4, $5, $6, $7, $8 }' >&2
  rm -f "$prefix".*
}

# ---- query plans -------------------------------------------------------------------------------

explain_reads() {
  local col=${COLUMN_IDS[1]} id=$(( (MIN_ID + MAX_ID) / 2 )) file="$RUN_DIR/explain.txt"
  {
    echo "-- list 100 tasks of a column (column $col)"
    sql -c "explain (analyze, buffers) $(cat bench/sql/task_select.sql) where t.workspace_id = $WS and t.column_id = $col order by t.column_id asc, t.position asc, t.id asc limit 100 offset 0"
    echo
    echo "-- its total (count of the column)"
    sql -c "explain (analyze, buffers) select count(*) from tasks t where t.workspace_id = $WS and t.column_id = $col"
    echo
    echo "-- get one task (id $id)"
    sql -c "explain (analyze, buffers) $(cat bench/sql/task_select.sql) where t.workspace_id = $WS and t.id = $id"
    echo
    echo "-- board state: task count per column"
    sql -c "explain (analyze, buffers) select column_id, count(*) from tasks where board_id = $BOARD group by column_id"
  } >"$file"
}

# ---- the run -----------------------------------------------------------------------------------

for n in "${DATASETS[@]}"; do
  seed "$n"
  write_pgbench_scripts
  log "warming up the read operations (not recorded)"
  for op in "${READ_OPS[@]}"; do run_wrk "$op" "$n" 8 warmup; done
  for op in "${READ_OPS[@]}"; do for c in "${CONCURRENCIES[@]}"; do run_wrk "$op" "$n" "$c"; done; done
  for op in "${READ_OPS[@]}"; do for c in "${CONCURRENCIES[@]}"; do run_pgbench "$op" "$n" "$c"; done; done
  [ "$n" != "${DATASETS[-1]}" ] || explain_reads
  log "warming up the write operations (not recorded)"
  for op in "${WRITE_OPS[@]}"; do run_wrk "$op" "$n" 8 warmup; done
  for op in "${WRITE_OPS[@]}"; do for c in "${CONCURRENCIES[@]}"; do run_wrk "$op" "$n" "$c"; done; done
done
stop_app

# ---- report ------------------------------------------------------------------------------------

label() {
  case "$1" in
    get_task) echo "get task" ;;
    list_column) echo "list 100 tasks of a column" ;;
    board_state) echo "board state (50 per column)" ;;
    create_task) echo "create task" ;;
    move_task) echo "move task" ;;
    update_task) echo "update task (PATCH title)" ;;
  esac
}

value() {  # value KIND OP DATASET CONNS FIELD(5=rps 6=p50 7=p99 8=errors)
  awk -F'\t' -v k="$1" -v op="$2" -v n="$3" -v c="$4" -v f="$5" '$1 == k && $2 == op && $3 == n && $4 == c { print $f }' "$RESULTS"
}

table() {
  local op n c rps raw ratio
  echo "| operation | dataset | connections | throughput (req/s) | p50 (ms) | p99 (ms) | errors | raw SQL (tx/s) | app/raw |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for op in "${READ_OPS[@]}" "${WRITE_OPS[@]}"; do
    for n in "${DATASETS[@]}"; do
      for c in "${CONCURRENCIES[@]}"; do
        rps=$(value app "$op" "$n" "$c" 5)
        raw=$(value raw "$op" "$n" "$c" 5)
        if [ -n "$raw" ]; then
          ratio=$(awk -v a="$rps" -v b="$raw" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        else
          raw="–"; ratio="–"
        fi
        echo "| $(label "$op") | $(thousands "$n") | $c | $(thousands "$rps") | $(value app "$op" "$n" "$c" 6) | $(value app "$op" "$n" "$c" 7) | $(value app "$op" "$n" "$c" 8) | $(thousands "$raw") | $ratio |"
      done
    done
  done
}

raw_table() {
  local op n c
  echo "| operation | dataset | connections | tx/s | p50 (ms) | p99 (ms) | failed |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for op in "${READ_OPS[@]}"; do
    for n in "${DATASETS[@]}"; do
      for c in "${CONCURRENCIES[@]}"; do
        echo "| $(label "$op") | $(thousands "$n") | $c | $(thousands "$(value raw "$op" "$n" "$c" 5)") | $(value raw "$op" "$n" "$c" 6) | $(value raw "$op" "$n" "$c" 7) | $(value raw "$op" "$n" "$c" 8) |"
      done
    done
  done
}

target() {  # target LABEL OP DATASET CONNS FIELD LIMIT_MS
  local got
  got=$(value app "$2" "$3" "$4" "$5")
  echo "| $1 | ≤ $6 ms | $got ms | $(awk -v g="$got" -v l="$6" 'BEGIN { print (g <= l) ? "yes" : "**no**" }') |"
}

LOAD_MAX=$(awk -F'\t' '$10 > m { m = $10 } END { print m + 0 }' "$RESULTS")
TOTAL_ERRORS=$(awk -F'\t' '{ s += $8 } END { print s + 0 }' "$RESULTS")
BIG=${DATASETS[-1]}
PG_VERSION=$(psql -X -At -d postgres -c "show server_version")
JDK_VERSION=$(java -version 2>&1 | head -1)
CPU_MODEL=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
MEM_GB=$(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
TABLE=$(table)

mkdir -p "$(dirname "$OUT")"
{
  echo "# Benchmarks"
  echo
  echo "Generated by \`bench/run.sh\`; rerun it rather than editing this file. Targets: SPEC §10."
  echo
  echo "## How to run"
  echo
  echo '```sh'
  echo "bench/run.sh           # 10 s per measurement, about 13 minutes"
  echo "bench/run.sh --quick   # 2 s per measurement, about 3 minutes"
  echo '```'
  echo
  echo "It needs PostgreSQL on 127.0.0.1:5432 (user \`postgres\`, trust), \`psql\`, \`pgbench\`, \`curl\`,"
  echo "\`wrk\` (installed with apt-get when missing and run as root) and a JDK 21 or newer. It builds"
  echo "\`target/agent-kanban.jar\` if missing, recreates the database \`$DB\`, starts the service the way a"
  echo "user does (\`DATABASE_URL=postgresql://postgres@127.0.0.1:5432/$DB PORT=<free port> java -jar target/agent-kanban.jar\`,"
  echo "default JVM settings, default pool of 20 connections), and stops it at the end. Raw wrk and"
  echo "pgbench output, the app log and the query plans are kept in \`bench/results/<time>/\` (not committed)."
  echo
  echo "## This run"
  echo
  echo "- command: \`$COMMAND\` ($DURATION s per measurement; before them, per operation and dataset, a warm-up at 8 connections of $WARMUP s, $(( WARMUP * 3 )) s for the first dataset, not recorded)"
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
  echo
  echo "## Results"
  echo
  echo "wrk with 2 threads (1 for one connection), keep-alive, 5 s timeout, against 127.0.0.1. Errors are"
  echo "responses other than 2xx plus socket errors and timeouts; any error fails the run. *raw SQL* is"
  echo "pgbench (\`-M prepared\`, same connections) running the statements of the same operation in the"
  echo "same transaction shape (see \`bench/sql/README.md\`); *app/raw* is the service's throughput as a"
  echo "fraction of it. Writes have no raw counterpart yet (a later slice)."
  echo
  echo "Datasets: one board with the four default columns; the tasks are spread evenly over the columns"
  echo "(so a column holds a quarter of them), positions 65,536 apart, about 35% tagged. Each dataset is"
  echo "seeded fresh; reads are measured before writes. Reads pick random task ids and random columns;"
  echo "moves send a random seeded task to the end of a random column."
  echo
  echo "$TABLE"
  echo
  echo "Reading the numbers: the load generator, the service and PostgreSQL compete for the same cores,"
  echo "so at 8 and 32 connections the latencies are mostly queueing (mean latency ≈ connections ÷ throughput)."
  echo "Compare an operation with its raw SQL run rather than across machines. When the load average"
  echo "above is well over the core count, other processes competed too and the run is noisy."
  echo "pgbench binds the workspace and task id as parameters but writes the column ids and the tag"
  echo "look-up's id array as literals, where the service binds them; the plans are the same."
  echo
  echo "## SPEC §10 targets"
  echo
  echo "| target | limit | measured | met |"
  echo "|---|---:|---:|---|"
  target "list 100 tasks of a column at $(thousands "$BIG") tasks, p50 (8 connections)" list_column "$BIG" 8 6 5
  target "list 100 tasks of a column at $(thousands "$BIG") tasks, p99 (8 connections)" list_column "$BIG" 8 7 20
  target "get one task, p50 (1 connection, $(thousands "$BIG") tasks)" get_task "$BIG" 1 6 2
  target "create one task, p50 (1 connection, $(thousands "$BIG") tasks)" create_task "$BIG" 1 6 5
  target "move one task, p50 (1 connection, $(thousands "$BIG") tasks)" move_task "$BIG" 1 6 5
  target "update one task, p50 (1 connection, $(thousands "$BIG") tasks)" update_task "$BIG" 1 6 5
  echo
  echo "## Raw SQL (pgbench)"
  echo
  raw_table
  echo
  echo "Where the raw time goes: pgbench's average latency per statement (ms) at $(thousands "$BIG") tasks, 1 connection"
  echo "(for the list, the first of the four columns' scripts)."
  for op in "${READ_OPS[@]}"; do
    echo
    echo "$(label "$op"):"
    echo
    echo '```'
    awk '/statement latencies/ { on = 1; next } on && (/^SQL script/ || /^$/) { exit } on' \
      "$RUN_DIR/pgbench-$BIG-$op-c1.txt" | cut -c1-120
    echo '```'
  done
  if [ -f "$RUN_DIR/explain.txt" ]; then
    echo
    echo "## Query plans at $(thousands "$BIG") tasks"
    echo
    echo "\`EXPLAIN (ANALYZE, BUFFERS)\` of the read statements with literal values, after the read runs."
    echo
    echo '```'
    cat "$RUN_DIR/explain.txt"
    echo '```'
  fi
} >"$OUT"

echo
echo "$TABLE"
echo
log "results written to $OUT (raw output in $RUN_DIR)"
if [ "$TOTAL_ERRORS" != 0 ]; then
  die "$TOTAL_ERRORS error responses: the run failed (see $RUN_DIR/wrk-*.txt)"
fi
