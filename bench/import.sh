#!/usr/bin/env bash
# Import time of a large Trello export (issue 17): generates a Trello board export of N cards
# (bench/trello-export.py, deterministic), starts the service on a fresh database, and times a dry run
# and a real import of it through POST /api/v1/import/trello, with the 1-minute load average before
# each (the machine may be shared: say so next to the figure).
#
#   bench/import.sh                       5,000 cards, target/agent-kanban.jar
#   bench/import.sh --cards 2000          another size
#   bench/import.sh --jar /tmp/old.jar    another build (before/after comparisons)
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust), psql, curl and python3. IMPORT_DB names
# the database (default kanban_import_bench; it is dropped and created).
set -euo pipefail
cd "$(dirname "$0")/.."
CARDS=5000
JAR=target/agent-kanban.jar
while [ $# -gt 0 ]; do
  case "$1" in
    --cards) CARDS="$2"; shift ;;
    --jar) JAR="$2"; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
DB=${IMPORT_DB:-kanban_import_bench}
OUT=bench/results/import-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
# shellcheck source=common.sh
. bench/common.sh
PORT=${IMPORT_PORT:-$(free_port)} || { echo "no free port in 18080-18180" >&2; exit 1; }
BASE=http://127.0.0.1:$PORT
PID=""
trap 'stop_process "$PID"' EXIT
if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

python3 bench/trello-export.py "$CARDS" > "$OUT/trello.json"
echo "export: $CARDS cards, $(stat -c %s "$OUT/trello.json") bytes"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "drop database if exists $DB with (force)" -c "create database $DB" >/dev/null
DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" PORT=$PORT ADMIN_USERNAME=bench ADMIN_PASSWORD=bench-password-1234 \
  "$JAVA" -jar "$JAR" >"$OUT/service.log" 2>&1 &
PID=$!
# a fresh database is migrated first: on a loaded machine that takes minutes
for _ in $(seq 1 1800); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/health/simple" 2>/dev/null)" = 200 ] && break
  kill -0 "$PID" 2>/dev/null || { tail -30 "$OUT/service.log" >&2; exit 1; }
  sleep 0.5
done
TOKEN=$(sign_in "$BASE")

# one import: prints "<seconds> <HTTP status>"
run() {
  curl -sS -o "$OUT/$1.json" -w '%{time_total} %{http_code}\n' -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary @"$OUT/trello.json" "$BASE/api/v1/import/trello?$2"
}
for kind in dry-run import; do
  load=$(cut -d' ' -f1 /proc/loadavg)
  [ "$kind" = dry-run ] && params="dry_run=true&name=dry" || params="name=bench"
  read -r seconds status < <(run "$kind" "$params")
  echo "$kind: ${seconds} s, HTTP $status, load average before $load on $(nproc) cores"
done
echo "tasks on the board: $(psql -X -At -d "$DB" -c "select count(*) from tasks t join boards b on b.id = t.board_id where b.name = 'bench'")"
echo "logs and reports in $OUT"
