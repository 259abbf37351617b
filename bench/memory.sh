#!/usr/bin/env bash
# Peak resident memory of the service under load (issue #19): starts it the README's way
# (bin/agent-kanban: its default memory settings) on a fresh database, seeds 10,000 tasks, and drives
# each benchmarked operation with wrk at 32 connections; prints the throughput of each and the
# process's peak resident set (VmHWM) after each, with the 1-minute load average.
#
#   bench/memory.sh                         the README's way
#   bench/memory.sh --duration 20           seconds per operation (default 15)
#   bench/memory.sh -- java -jar target/agent-kanban.jar    any other command line to compare
#
# JAVA_OPTS=-XX:NativeMemoryTracking=summary also writes the JVM's own account (jcmd) at the end.
# Needs what bench/run.sh needs (PostgreSQL on 127.0.0.1:5432 with user postgres, psql, curl, wrk).
# MEMORY_DB names the database (default kanban_memory; it is dropped and created).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=15
CMD=()
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift ;;
    --) shift; CMD=("$@"); break ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
[ ${#CMD[@]} -gt 0 ] || CMD=(bin/agent-kanban)
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }

export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
DB=${MEMORY_DB:-kanban_memory}
OUT=bench/results/memory-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
# shellcheck source=common.sh
. bench/common.sh
PORT=${MEMORY_PORT:-$(free_port)} || { echo "no free port in 18080-18180" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"
PID=""
trap 'stop_process "$PID"' EXIT

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "drop database if exists $DB with (force)" -c "create database $DB" >/dev/null
echo "command: ${CMD[*]}"
DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" PORT=$PORT RATE_LIMIT_ENABLED=false \
  ADMIN_USERNAME=bench ADMIN_PASSWORD=bench-password-1234 "${CMD[@]}" >"$OUT/app.log" 2>&1 &
PID=$!
until curl -fsS -o /dev/null "$BASE/api/v1/health/simple" 2>/dev/null; do
  kill -0 "$PID" 2>/dev/null || { tail -30 "$OUT/app.log" >&2; echo "the service exited" >&2; exit 1; }
  sleep 0.2
done
TOKEN=$(sign_in "$BASE")
curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
  -d '{"name":"Memory board"}' "$BASE/api/v1/boards"
BOARD=$(sql -c "select max(id) from boards where name = 'Memory board'")
COLUMNS=$(sql -c "select string_agg(id::text, ',' order by position) from board_columns where board_id = $BOARD")
sql -v board="$BOARD" -v n=10000 -f bench/seed.sql >/dev/null
sql -f bench/analyze.sql >/dev/null
read -r MIN_ID MAX_ID < <(sql -F ' ' -c "select min(id), max(id) from tasks where board_id = $BOARD")
hwm() { awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$PID/status"; }
echo "started: resident $(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$PID/status") MB; 10,000 tasks seeded"
for op in get_task list_column board_state create_task move_task update_task; do
  wrk -t2 -c32 -d"${DURATION}s" --timeout 5s --latency -s "bench/wrk/$op.lua" "$BASE" -- \
    min="$MIN_ID" max="$MAX_ID" board="$BOARD" columns="$COLUMNS" token="$TOKEN" >"$OUT/wrk-$op.txt" 2>&1
  rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' "$OUT/wrk-$op.txt" | head -1)
  errors=$(sed -n 's/.* non2xx=\([0-9]*\).*/\1/p' "$OUT/wrk-$op.txt" | head -1)
  echo "$op at 32 connections: ${rps:-?} req/s, non-2xx ${errors:-?}; peak resident so far $(hwm) MB (load average $(cut -d' ' -f1 /proc/loadavg))"
done
echo "peak resident memory (VmHWM): $(hwm) MB on $(nproc) cores; logs in $OUT"
# with JAVA_OPTS=-XX:NativeMemoryTracking=summary: where the JVM's memory went
case "${JAVA_OPTS:-}" in
  *NativeMemoryTracking*) jcmd "$PID" VM.native_memory summary >"$OUT/nmt.txt" 2>&1 && echo "native memory summary: $OUT/nmt.txt" ;;
esac
# with JAVA_OPTS=-XX:CompileCommand=MemStat,*.*: the JIT compilations that took the most memory
case "${JAVA_OPTS:-}" in
  *MemStat*) jcmd "$PID" Compiler.memory >"$OUT/compiler-memory.txt" 2>&1 && echo "compilations by memory: $OUT/compiler-memory.txt" ;;
esac
# what the resident memory is at the end: anonymous (heap, code, malloc) and file-backed (the JDK's cache, libraries)
cp "/proc/$PID/smaps" "$OUT/smaps.txt" 2>/dev/null && grep -E '^(Rss|Pss|Anonymous|Shared_Clean|Private_Clean|Private_Dirty)' "/proc/$PID/smaps_rollup" >"$OUT/smaps-rollup.txt" 2>/dev/null || true
