#!/usr/bin/env bash
# The backup drill: a PostgreSQL 15 with WAL archiving (port 25500, in $BK_DIR), the service on it
# (port 25510), a base backup, then writes through the API in three phases:
#   A before the base backup, B after it (replayed from the archived WAL), then the chosen restore
#   time T, then C: more tasks and an "accident" (every task of the board deleted).
# A point-in-time restore to T (new server on 25501) must hold exactly the tasks the client had
# created by T (counted through the API at T) and the same last event id, and nothing of C.
# Figures: ops/backup/results.json.
set -euo pipefail
cd "$(dirname "$0")"
REPO=$(cd ../.. && pwd)
BK_DIR=${BK_DIR:-/tmp/kanban-backup}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAR=$REPO/target/agent-kanban.jar
PORT=25500 RESTORE_PORT=25501 APP=25510
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
q() { psql -h 127.0.0.1 -p "$1" -U postgres -d kanban -Atqc "$2"; }

cleanup() {
  [ -f "$BK_DIR/app.pid" ] && kill "$(cat "$BK_DIR/app.pid")" 2>/dev/null && sleep 2
  for d in "$BK_DIR/primary" "$BK_DIR/restored"; do
    [ -f "$d/postmaster.pid" ] && su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$d' -m fast stop" >/dev/null 2>&1
  done
  [ "${KEEP:-0}" = 1 ] || rm -rf "$BK_DIR"
}
[ -e "$BK_DIR" ] && cleanup
trap cleanup EXIT
[ -f "$JAR" ] || (cd "$REPO" && ./mvnw -B -ntp -q package -DskipTests)
mkdir -p "$BK_DIR/wal-archive"
chown -R postgres:postgres "$BK_DIR"

log "PostgreSQL on $PORT archiving WAL to $BK_DIR/wal-archive"
su postgres -s /bin/sh -c "$PG_BIN/initdb -D '$BK_DIR/primary' -U postgres --auth=trust -E UTF8 >/dev/null"
cat >>"$BK_DIR/primary/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$BK_DIR'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $BK_DIR/wal-archive/%f && cp %p $BK_DIR/wal-archive/%f'
archive_timeout = 60
CONF
su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$BK_DIR/primary' -l '$BK_DIR/primary.log' -w start" >/dev/null
psql -h 127.0.0.1 -p $PORT -U postgres -qc 'create database kanban'

log "the service on $APP"
DATABASE_URL=postgresql://postgres@127.0.0.1:$PORT/kanban PORT=$APP ADMIN_USERNAME=admin ADMIN_PASSWORD=backup-drill-password \
  RATE_LIMIT_ENABLED=false setsid "$JAVA" -Xmx384m -XX:TieredStopAtLevel=1 -jar "$JAR" >"$BK_DIR/app.log" 2>&1 &
echo $! >"$BK_DIR/app.pid"
for i in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:$APP/readyz" && break; sleep 0.5; done
curl -fs -o /dev/null "http://127.0.0.1:$APP/readyz" || die "service not ready"
SESSION=$(curl -fsS "http://127.0.0.1:$APP/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"backup-drill-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
api() { curl -fsS "http://127.0.0.1:$APP$2" -X "$1" -H "Authorization: Bearer $SESSION" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
BOARD=$(api POST /api/v1/boards '{"name":"Backed up"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
create() { for i in $(seq 1 "$1"); do api POST /api/v1/tasks "{\"board_id\":$BOARD,\"title\":\"$2 $i\"}" >/dev/null; done; }
tasks_seen() { api GET /api/v1/status | python3 -c 'import json,sys; print(json.load(sys.stdin)["tasks"])'; }

create 20 "phase A"
log "base backup"
BASE=$(PGUSER=postgres ../backup/base-backup.sh 127.0.0.1 $PORT "$BK_DIR/backups")
create 30 "phase B"
# the restore target: after B has committed, before C
TASKS_AT_T=$(tasks_seen)
EVENT_AT_T=$(q $PORT "select max(id) from outbox_events")
T=$(q $PORT "select now()")
log "T = $T: the client counts $TASKS_AT_T tasks, last event $EVENT_AT_T"
q $PORT "select pg_sleep(1.1)" >/dev/null   # C starts strictly after T (timestamps have microseconds; this is margin)
create 10 "phase C"
q $PORT "delete from tasks where board_id = $BOARD" >/dev/null  # the accident
TASKS_AFTER=$(q $PORT "select count(*) from tasks")
q $PORT "select pg_switch_wal()" >/dev/null
ARCHIVED=$(ls "$BK_DIR/wal-archive" | wc -l)
kill "$(cat "$BK_DIR/app.pid")"; rm -f "$BK_DIR/app.pid"
log "after the accident: $TASKS_AFTER tasks; $ARCHIVED WAL files archived; restoring to T on $RESTORE_PORT"
START=$(date +%s%3N)
./restore.sh "$BASE" "$BK_DIR/wal-archive" "$T" "$BK_DIR/restored" $RESTORE_PORT
RESTORE_MS=$(( $(date +%s%3N) - START ))
TASKS_RESTORED=$(q $RESTORE_PORT "select count(*) from tasks")
EVENT_RESTORED=$(q $RESTORE_PORT "select max(id) from outbox_events")
PHASE_C=$(q $RESTORE_PORT "select count(*) from tasks where title like 'phase C%'")
RESULT=$([ "$TASKS_RESTORED" = "$TASKS_AT_T" ] && [ "$EVENT_RESTORED" = "$EVENT_AT_T" ] && [ "$PHASE_C" = 0 ] && echo pass || echo FAIL)
cat >results.json <<JSON
{"target_time": "$T", "tasks_at_target_by_client": $TASKS_AT_T, "last_event_id_at_target": $EVENT_AT_T,
 "tasks_after_accident": $TASKS_AFTER, "wal_files_archived": $ARCHIVED, "restore_ms": $RESTORE_MS,
 "tasks_restored": $TASKS_RESTORED, "last_event_id_restored": $EVENT_RESTORED, "phase_c_tasks_restored": $PHASE_C,
 "result": "$RESULT"}
JSON
cat results.json
[ "$RESULT" = pass ] || die "the restore does not match what the client recorded at T"
log "point-in-time restore matches: $TASKS_RESTORED tasks, last event $EVENT_RESTORED, restored in $RESTORE_MS ms"
