#!/usr/bin/env bash
# Start-up time of the service (issue #19): from process start to the first 200 of
# GET /api/v1/health/simple, on a database that is already migrated (a first start migrates it and is
# not counted). Prints every run and the median, with the resident memory at that moment and the
# 1-minute load average (the machine may be shared: say so next to the figure).
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
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

# one start: prints "<ms> <rss MB>"
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
  stop
  echo "$ms $rss"
}

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "drop database if exists $DB with (force)" -c "create database $DB" >/dev/null
echo "command: ${CMD[*]}"
echo "migrating $DB (first start, not counted): $(start_once "$OUT/migrate.log" | cut -d' ' -f1) ms"
times=()
for i in $(seq 1 "$RUNS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  read -r ms rss < <(start_once "$OUT/run-$i.log")
  times+=("$ms")
  echo "run $i: $ms ms to the first healthy answer, RSS $rss MB, load average $load"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }')
echo "median of $RUNS: $median ms (load average now $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores; logs in $OUT)"
