#!/usr/bin/env bash
# Start-up time of the service (issue #19): from process start to the first 200 of
# GET /api/v1/health/simple, on a database that is already migrated (a first start migrates it and is
# not counted). Prints every run and the median, with the resident memory at that moment, the CPU
# seconds the JVM had used by then (all threads; its main thread; the JIT compiler threads) and the
# 1-minute load average. On a shared machine the wall-clock time measures the other work too: compare
# the CPU seconds, alternating the variants (say so next to any figure), or run it at real-time
# priority as root, `chrt -r 1 bench/startup.sh ...`: the poller and the JVM then have the cores before
# the other work, so the wall-clock time is about a quiet machine's (PostgreSQL stays at normal
# priority; docs/benchmarks.md, "Flyway not built on an up-to-date schema").
#
#   bench/startup.sh                 the README's way: bin/agent-kanban (the AOT cache, see README;
#                                    its first start also makes the cache and is not counted)
#   bench/startup.sh --runs 7        more runs (default 5)
#   bench/startup.sh -- java -jar target/agent-kanban.jar    any other command line to compare
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust), psql and curl. STARTUP_DB names the
# database (default kanban_startup; it is dropped and created).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=5
CMD=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift ;;
    --) shift; CMD=("$@"); break ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
[ ${#CMD[@]} -gt 0 ] || CMD=(bin/agent-kanban)

export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
DB=${STARTUP_DB:-kanban_startup}
OUT=bench/results/startup-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# shellcheck source=common.sh
. bench/common.sh
PORT=${STARTUP_PORT:-$(free_port)} || { echo "no free port in 18080-18180" >&2; exit 1; }
PID=""
stop() { stop_process "$PID"; PID=""; }
trap stop EXIT

TICK=$(getconf CLK_TCK)
# CPU seconds of process $1 so far: "<all threads> <main thread> <JIT compiler threads>" (from /proc; the
# main thread is the one named java, the compilers C1/C2 CompilerThreadN)
cpu_seconds() {
  local all main=0 comp=0 t name ticks
  all=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
  for t in /proc/"$1"/task/*; do
    name=$(cat "$t/comm" 2>/dev/null) || continue
    ticks=$(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null) || continue
    case "$name" in
      java) main=$((main + ticks)) ;;
      C1\ Compiler*|C2\ Compiler*) comp=$((comp + ticks)) ;;
    esac
  done
  awk -v a="$all" -v m="$main" -v c="$comp" -v t="$TICK" 'BEGIN { printf "%.2f %.2f %.2f", a / t, m / t, c / t }'
}

# one start: prints "<ms> <rss MB> <CPU s> <main thread CPU s> <compiler CPU s>"
start_once() {
  local log=$1 t0
  t0=$(now_ms)
  DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" PORT=$PORT "${CMD[@]}" >"$log" 2>&1 &
  PID=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/health/simple" 2>/dev/null)" = 200 ]; do
    kill -0 "$PID" 2>/dev/null || { tail -30 "$log" >&2; echo "the service exited during start-up" >&2; exit 1; }
    [ $(( $(now_ms) - t0 )) -lt 900000 ] || { echo "no healthy answer within 900 s" >&2; exit 1; }
    sleep 0.02
  done
  local ms=$(( $(now_ms) - t0 ))
  # the java process itself (a launcher script execs it, so it is the same pid)
  local rss
  rss=$(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$PID/status")
  local cpu
  cpu=$(cpu_seconds "$PID")
  stop
  echo "$ms $rss $cpu"
}

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "drop database if exists $DB with (force)" -c "create database $DB" >/dev/null
echo "command: ${CMD[*]}"
echo "migrating $DB (first start, not counted): $(start_once "$OUT/migrate.log" | cut -d' ' -f1) ms"
times=()
cpus=()
for i in $(seq 1 "$RUNS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  read -r ms rss cpu main comp < <(start_once "$OUT/run-$i.log")
  times+=("$ms")
  cpus+=("$cpu")
  echo "run $i: $ms ms to the first healthy answer, RSS $rss MB, CPU $cpu s (main thread $main s, JIT compilers $comp s), load average $load"
done
median() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m }'; }
median_ms=$(printf '%s\n' "${times[@]}" | median | awk '{ printf "%d", $1 }')
median_cpu=$(printf '%s\n' "${cpus[@]}" | median | awk '{ printf "%.2f", $1 }')
echo "median of $RUNS: $median_ms ms, CPU $median_cpu s (load average now $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores; logs in $OUT)"
