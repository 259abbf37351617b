#!/usr/bin/env bash
# Checks that the raw side of the benchmark still sends what the service sends: starts the service
# on a scratch database with log_statement=all, makes each benchmarked request, takes the request's
# statements from the PostgreSQL server log, and compares them (parameters and whitespace aside) with
# the pgbench scripts bench/sql/scripts.sh writes. Exits 1 on any difference and prints it.
#
#   bench/sql/capture.sh [--keep]     (--keep: leave the captured statements in bench/results/capture)
#
# Needs what bench/run.sh needs, plus python3 and read access to the server log (PGLOG, default
# /var/log/postgresql/postgresql-<major>-main.log, where Debian's server writes it).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
DB=kanban_sqlcap
OUT=bench/results/capture
KEEP=false
[ "${1:-}" != --keep ] || KEEP=true
MAJOR=$(psql -X -At -d postgres -c "show server_version_num" | cut -c1-2)
PGLOG=${PGLOG:-/var/log/postgresql/postgresql-$MAJOR-main.log}
[ -r "$PGLOG" ] || { echo "cannot read the server log $PGLOG (set PGLOG)" >&2; exit 2; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
rm -rf "$OUT" && mkdir -p "$OUT"

psql -X -q -d postgres -c "drop database if exists $DB with (force)" -c "create database $DB" \
  -c "alter database $DB set log_statement = 'all'" >/dev/null
# shellcheck source=../common.sh
. bench/common.sh
PORT=$(free_port) || { echo "no free port in 18080-18180" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"
DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" PORT=$PORT RATE_LIMIT_ENABLED=false \
  ADMIN_USERNAME=bench ADMIN_PASSWORD=bench-password-1234 bin/agent-kanban >"$OUT/app.log" 2>&1 &
APP_PID=$!
cleanup() {
  kill "$APP_PID" 2>/dev/null || true
  wait "$APP_PID" 2>/dev/null || true
  psql -X -q -d postgres -c "drop database if exists $DB with (force)" >/dev/null || true
  $KEEP || rm -rf "$OUT"
}
trap cleanup EXIT
deadline=$(( $(date +%s) + 600 ))
until curl -fsS -o /dev/null "$BASE/api/v1/health" 2>/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || { tail -20 "$OUT/app.log" >&2; echo "the app did not start" >&2; exit 1; }
  sleep 0.2
done
TOKEN=$(sign_in "$BASE")
curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
  -d '{"name":"Bench board"}' "$BASE/api/v1/boards"
BOARD=$(sql -c "select max(id) from boards")
mapfile -t COLUMN_IDS < <(sql -c "select id from board_columns where board_id = $BOARD order by position")
mapfile -t COLUMN_KINDS < <(sql -c "select kind from board_columns where board_id = $BOARD order by position")
sql -v board="$BOARD" -v n=200 -f bench/seed.sql >/dev/null
read -r MIN_ID _ < <(sql -F ' ' -c "select min(id), max(id) from tasks")
C1=${COLUMN_IDS[0]}

# the requests of bench/wrk/*.lua, one of each (the raw scripts compared are those of column C1,
# priority low)
request() {  # request OP: prints curl arguments
  case "$1" in
    get_task) echo "$BASE/api/v1/tasks/$(( MIN_ID + 7 ))" ;;
    list_column) echo "$BASE/api/v1/tasks?column_id=$C1&limit=100" ;;
    board_state) echo "$BASE/api/v1/boards/$BOARD/tasks?per_column=50" ;;
    board_stats) echo "$BASE/api/v1/stats?board_id=$BOARD" ;;
    create_task) echo "-X POST -d {\"board_id\":$BOARD,\"column_id\":$C1,\"title\":\"captured\",\"priority\":\"low\"} $BASE/api/v1/tasks" ;;
    move_task) echo "-X POST -d {\"column_id\":$C1} $BASE/api/v1/tasks/$(( MIN_ID + 11 ))/move" ;;
    update_task) echo "-X PATCH -d {\"title\":\"captured\"} $BASE/api/v1/tasks/$(( MIN_ID + 13 ))" ;;
  esac
}

# the request's statements in the log after line FROM: whole transactions and single statements of
# the service's connections, without the background work (dispatcher, webhook worker, health)
extract() {  # extract FROM
  python3 - "$PGLOG" "$1" "$DB" <<'EOF'
import re, sys
log, start, db = sys.argv[1], int(sys.argv[2]), sys.argv[3]
head = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (\S*) ?(LOG|DETAIL|ERROR|STATEMENT|FATAL|WARNING|NOTICE|HINT|CONTEXT):  (.*)$')
entries = []
with open(log, errors='replace') as f:
    for i, line in enumerate(f):
        if i < start:
            continue
        m = head.match(line.rstrip('\n'))
        if m:
            entries.append([m.group(1), m.group(2), m.group(3), m.group(4)])
        elif entries:
            entries[-1][3] += '\n' + line.rstrip('\n')
background = ('kanban.system', 'listener_probe', 'outbox_events_id_seq', 'pg_snapshot_xmin', 'flyway_schema_history', 'LISTEN', 'webhook_')
units, open_tx = [], {}
for pid, who, kind, text in entries:
    if not who.endswith('@' + db) or kind != 'LOG' or not re.match(r'(statement|execute [^:]*): ', text):
        continue
    text = re.sub(r'^(statement|execute [^:]*): ', '', text).strip()
    if not text:
        continue  # the pool's connection check
    unit = open_tx.get(pid)
    if unit is None:
        unit = [pid, []]
        units.append(unit)
        if re.match(r'BEGIN\b', text, re.I):
            open_tx[pid] = unit
    unit[1].append(text)
    if re.match(r'(COMMIT|ROLLBACK)\b', text, re.I):
        open_tx.pop(pid, None)
for pid, statements in units:
    if any(b in s for s in statements for b in background):
        continue
    if re.match(r'(COMMIT|ROLLBACK)\b', statements[0], re.I):
        continue  # the end of a transaction that began before FROM
    for s in statements:
        print(s + ';')
EOF
}

# one statement a line, bind parameters (the service's $n, pgbench's :name, nullif(:name, ...)
# where pgbench stands in for a NULL) as ?, whitespace collapsed, meta commands dropped
normalise() {
  python3 -c '
import re, sys
text = sys.stdin.read()
text = "\n".join(l for l in text.split("\n") if not l.startswith("\\"))
text = re.sub(r"\\gset\s*\w*", ";", text)
for s in text.split(";"):
    s = re.sub(r"nullif\(:\w+, \x27-?\x27\)(::timestamptz)?", "?", s)
    s = re.sub(r"(?<![:\w]):[a-z_]\w*", "?", s)
    s = re.sub(r"\$\d+", "?", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\(\s+", "(", s)  # a line break after an opening parenthesis in one text and not the other
    s = re.sub(r"\s+\)", ")", s)
    # where the replay cannot carry a value the service read under its lock (out of a pipeline): the
    # column itself, and the last position of the column plus 65,536 computed in the statement
    s = re.sub(r"\(select coalesce\(max\(position\), 0\) \+ 65536 from tasks where column_id = \?( and id <> \?)? and position is not null\)", "?", s)
    s = re.sub(r"\b(\w+) = \1\b", r"\1 = ?", s)
    s = re.sub(r"cast\(\? as jsonb\)", "?", s)
    if s:
        print(s)
'
}

SQL_DIR=bench/sql
PGB_DIR="$OUT/pgbench"
APP_ROLE=$(sql -c "select case when exists (select 1 from pg_roles where rolname = 'kanban_app')
                   then pg_has_role(current_user, 'kanban_app', 'member') else false end")
[ "$APP_ROLE" = t ] && APP_ROLE=true || APP_ROLE=false
# shellcheck source=scripts.sh
. bench/sql/scripts.sh
write_pgbench_scripts

status=0
for op in get_task list_column board_state board_stats create_task move_task update_task; do
  read -r -a args <<<"$(request "$op")"
  # the first time warms up (prepared statements); the second is captured
  for attempt in warm captured; do
    from=$(wc -l <"$PGLOG")
    code=$(curl -sS -o "$OUT/$op.body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "${args[@]}")
    [[ "$code" == 2* ]] || { echo "$op answered $code: $(cat "$OUT/$op.body")" >&2; exit 1; }
    # the log line of the request's last COMMIT may follow the response: wait for it (up to 10 s)
    deadline=$(( $(date +%s) + 10 ))
    # (a read is statements without a transaction: there is no COMMIT to wait for)
    until extract "$from" >"$OUT/$op.app.sql" && { grep -qi '^commit;$' "$OUT/$op.app.sql" \
        || { case "$op" in create_task|move_task|update_task) false ;; *) [ -s "$OUT/$op.app.sql" ] ;; esac; }; }; do
      [ "$(date +%s)" -lt "$deadline" ] || break
      sleep 0.1
    done
  done
  echo "$op: the service sent $(normalise <"$OUT/$op.app.sql" | wc -l) statements (round trips: RoundTripsTest)"
  raw=$(ls "$PGB_DIR/$op"*.sql | head -1)
  case "$op" in
    list_column|move_task) raw="$PGB_DIR/${op}_$C1.sql" ;;
    create_task) raw="$PGB_DIR/create_task_${C1}_low.sql" ;;
  esac
  if diff <(normalise <"$OUT/$op.app.sql") <(normalise <"$raw") >"$OUT/$op.diff"; then
    echo "$op: the raw script sends the service's $(normalise <"$raw" | wc -l) statements"
  else
    echo "$op: the raw script ($raw) differs from what the service sent (< service, > raw):"
    cat "$OUT/$op.diff"
    status=1
  fi
done
exit $status
