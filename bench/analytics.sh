#!/usr/bin/env bash
# Analytics benchmark (issue #16): a board of 100,000 tasks with 1,000,000 history rows over a year,
# generated with SQL (bench/analytics-seed.sql), then the p50 at one connection of
#   - cumulative flow over 90 days   GET /api/v1/analytics/boards/{id}/flow/cumulative_flow?from=..&to=..
#   - cycle-time percentiles          GET /api/v1/analytics/boards/{id}/flow/percentiles (30 days)
#   - throughput                      GET /api/v1/analytics/boards/{id}/flow/throughput_daily (30 days)
# (and, for reference, the same in Asia/Kolkata and the whole /flow document over 90 days), each
# request timed by curl after warm-up. Target: p50 <= 50 ms each. The result replaces the analytics
# section of docs/benchmarks.md (or --out FILE).
#
#   bench/analytics.sh [--tasks N] [--requests N] [--out FILE]
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust), psql, curl and a JDK 21 or newer; builds
# target/agent-kanban.jar if missing. bench/run.sh runs it at the end of a full run (not --quick).
set -euo pipefail
cd "$(dirname "$0")/.."

TASKS=100000
REQUESTS=41
WARMUP=5
OUT=docs/benchmarks.md
DB=${BENCH_DB:-kanban_bench}_analytics   # BENCH_DB as for bench/run.sh: two runs on one server do not meet
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) TASKS="$2"; shift ;;
    --requests) REQUESTS="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
RUN_DIR="bench/results/analytics-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN_DIR"
log() { printf '[analytics %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
load1() { cut -d' ' -f1 /proc/loadavg; }
# shellcheck source=common.sh
. bench/common.sh

for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
  [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && { export PATH="$candidate/bin:$PATH"; break; }
done
[ -f target/agent-kanban.jar ] || { log "building target/agent-kanban.jar"; ./mvnw -q -o package -DskipTests; }

APP_PID=""
stop_app() { [ -z "$APP_PID" ] || { kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; }; }
trap stop_app EXIT

PORT=""
# a random start: other runs on the machine take ports of this range too
for p in $(shuf -i 18200-18300); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { PORT=$p; break; }; done
[ -n "$PORT" ] || die "no free port in 18200-18300"
BASE="http://127.0.0.1:$PORT"

log "fresh database $DB"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "drop database if exists $DB with (force)" -c "create database $DB" >/dev/null
DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" PORT="$PORT" RATE_LIMIT_ENABLED=false \
  ADMIN_USERNAME=bench ADMIN_PASSWORD=bench-password-1234 java -jar target/agent-kanban.jar >"$RUN_DIR/app.log" 2>&1 &
APP_PID=$!
START=$(now_ms)
until curl -fsS --max-time 5 -o /dev/null "$BASE/api/v1/health" 2>/dev/null && serves_here "$APP_PID" "$PORT"; do
  kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$RUN_DIR/app.log" >&2; die "the app exited during startup"; }
  [ $(( $(now_ms) - START )) -lt 600000 ] || die "the app did not answer within 600 s"
  sleep 0.1
done
TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-password-1234"}' \
  "$BASE/api/v1/auth/login" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || die "signing in failed"
curl -fsS -o "$RUN_DIR/board.json" -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
  -d '{"name":"Analytics bench","columns":[{"name":"Backlog","kind":"backlog"},{"name":"To Do","kind":"todo"},{"name":"In Progress","kind":"in_progress"},{"name":"Review","kind":"review"},{"name":"Done","kind":"done"}]}' \
  "$BASE/api/v1/boards" || die "creating the board failed"
BOARD=$(sql -c "select max(id) from boards where name = 'Analytics bench'")

LOAD_BEFORE=$(load1)
log "seeding $TASKS tasks and their history on board $BOARD"
T0=$(now_ms)
sql -v board="$BOARD" -v n="$TASKS" -f bench/analytics-seed.sql >/dev/null
SEED_MS=$(( $(now_ms) - T0 ))
sql -f bench/analyze.sql >/dev/null
HISTORY_ROWS=$(sql -c "select count(*) from task_history where board_id = $BOARD")
read -r FIRST LAST < <(sql -F ' ' -c "select min(occurred_at)::date, max(occurred_at)::date from task_history where board_id = $BOARD")
log "seeded in $SEED_MS ms: $HISTORY_ROWS history rows from $FIRST to $LAST"

TODAY=$(date -u +%F)
FROM90=$(date -u -d "$TODAY - 89 days" +%F)
declare -A P50 P95
measure() { # name path
  local name=$1 path=$2 i code times="$RUN_DIR/$1.times"
  : >"$times"
  for i in $(seq 1 $(( WARMUP + REQUESTS ))); do
    read -r code t < <(curl -sS --max-time 120 -o "$RUN_DIR/$name.body" -w '%{http_code} %{time_total}\n' \
      -H "Authorization: Bearer $TOKEN" "$BASE$path")
    [ "$code" = 200 ] || die "$path answered $code: $(head -c 300 "$RUN_DIR/$name.body")"
    [ "$i" -le "$WARMUP" ] || echo "$t" >>"$times"
  done
  P50[$name]=$(sort -n "$times" | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] * 1000 }')
  P95[$name]=$(sort -n "$times" | awk '{ a[NR] = $1 } END { i = int(NR * 0.95 + 0.5); if (i < 1) i = 1; printf "%.1f", a[i] * 1000 }')
  log "$name: p50 ${P50[$name]} ms, p95 ${P95[$name]} ms ($REQUESTS requests)"
}
A="/api/v1/analytics/boards/$BOARD"
measure cfd90 "$A/flow/cumulative_flow?from=$FROM90&to=$TODAY"
measure percentiles "$A/flow/percentiles"
measure throughput "$A/flow/throughput_daily"
measure cfd90_kolkata "$A/flow/cumulative_flow?from=$FROM90&to=$TODAY&tz=Asia/Kolkata"
measure percentiles90 "$A/flow/percentiles?from=$FROM90&to=$TODAY"
measure flow90 "$A/flow?from=$FROM90&to=$TODAY"
LOAD_AFTER=$(load1)
COMPLETED=$(sql -c "select count(*) from flow_tasks where completed_board = $BOARD and completed_at >= now() - interval '30 days'")

verdict() { awk -v v="$1" 'BEGIN { print (v <= 50 ? "met" : "missed") }'; }
SECTION="$RUN_DIR/section.md"
{
  echo "<!-- analytics:begin -->"
  echo "## Analytics (issue #16)"
  echo
  echo "Generated by \`bench/analytics.sh\` (run by \`bench/run.sh\` in its full mode), $(date -u +%FT%TZ), commit \`$(git rev-parse --short HEAD)\`."
  echo "One board, $(printf "%'d" "$TASKS") tasks created evenly over 365 days, $(printf "%'d" "$HISTORY_ROWS") history rows ($FIRST .. $LAST;"
  echo "each task: created, to To Do, In Progress, Review, back to In Progress, Review, Done, two status"
  echo "changes and a priority change, spaced 1 to 10.6 hours apart; $COMPLETED completions in the last 30 days),"
  echo "loaded with SQL and the flow figures rebuilt from it by \`flow_rebuild\` in $SEED_MS ms in all."
  echo "Each figure: $REQUESTS requests at one connection (curl, new connection each, after $WARMUP warm-up"
  echo "requests) against the service as a user starts it. Machine: $(nproc) cores shared with other work;"
  echo "1-minute load average $LOAD_BEFORE before seeding, $LOAD_AFTER after the measurements."
  echo
  echo "| request | p50 | p95 | target p50 | |"
  echo "|---|---|---|---|---|"
  echo "| cumulative flow, 90 days (UTC) | ${P50[cfd90]} ms | ${P95[cfd90]} ms | ≤ 50 ms | $(verdict "${P50[cfd90]}") |"
  echo "| cycle-time percentiles, 30 days | ${P50[percentiles]} ms | ${P95[percentiles]} ms | ≤ 50 ms | $(verdict "${P50[percentiles]}") |"
  echo "| throughput per day, 30 days | ${P50[throughput]} ms | ${P95[throughput]} ms | ≤ 50 ms | $(verdict "${P50[throughput]}") |"
  echo "| cumulative flow, 90 days, Asia/Kolkata | ${P50[cfd90_kolkata]} ms | ${P95[cfd90_kolkata]} ms | | |"
  echo "| cycle-time percentiles, 90 days | ${P50[percentiles90]} ms | ${P95[percentiles90]} ms | | |"
  echo "| whole \`/flow\` document, 90 days | ${P50[flow90]} ms | ${P95[flow90]} ms | | |"
  echo "<!-- analytics:end -->"
} >"$SECTION"

if [ -f "$OUT" ] && grep -q '<!-- analytics:begin -->' "$OUT"; then
  awk -v f="$SECTION" '/<!-- analytics:begin -->/ { while ((getline l < f) > 0) print l; skip = 1; next }
                       /<!-- analytics:end -->/ { skip = 0; next } !skip' "$OUT" >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
else
  { [ -f "$OUT" ] && cat "$OUT" && echo; cat "$SECTION"; } >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
fi
log "wrote the analytics section of $OUT"
