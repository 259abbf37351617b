# Functions of the HA drill (sourced after env.sh).
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
now_ms() { date +%s%3N; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls the command every 0.2 s until it succeeds
wait_for() {
  local limit=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$what not within ${limit}s"
    sleep 0.2
  done
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

# the Patroni member that leads now (pg1/pg2), from a REST API that answers
leader() {
  local port
  for port in $PG1_REST $PG2_REST; do
    curl -s --max-time 1 "http://127.0.0.1:$port/cluster" 2>/dev/null \
      | python3 -c 'import json,sys; print(next(m["name"] for m in json.load(sys.stdin)["members"] if m["role"] in ("leader","master")))' 2>/dev/null \
      && return 0
  done
  return 1
}
sync_standby_streaming() {
  local port
  for port in $PG1_REST $PG2_REST; do
    curl -s --max-time 1 "http://127.0.0.1:$port/cluster" 2>/dev/null \
      | python3 -c 'import json,sys; m=json.load(sys.stdin)["members"]; sys.exit(0 if any(x["role"]=="sync_standby" and x.get("state") in ("streaming","running") and x.get("lag", 0) == 0 for x in m) else 1)' \
      && return 0
  done
  return 1
}

rest_port() { [ "$1" = pg1 ] && echo $PG1_REST || echo $PG2_REST; }
pg_port() { [ "$1" = pg1 ] && echo $PG1_PORT || echo $PG2_PORT; }

start_patroni() {  # start_patroni pg1|pg2
  local name=$1
  # setpriv execs Patroni as postgres in this very process (su would fork and hide its pid)
  setpriv --reuid=postgres --regid=postgres --init-groups env HOME="$HA_DIR" patroni "$HA_DIR/$name.yml" \
    >>"$HA_DIR/patroni-$name.out" 2>&1 &
  echo $! >"$HA_DIR/patroni-$name.pid"
}

start_app() {  # start_app 1|2
  local n=$1 port; port=$([ "$1" = 1 ] && echo $APP1 || echo $APP2)
  DATABASE_URL=$DATABASE_URL DATABASE_SESSION_URL=$DATABASE_SESSION_URL READ_DATABASE_URL=$READ_DATABASE_URL PORT=$port SECRET_KEY=$SECRET_KEY ADMIN_USERNAME=admin ADMIN_PASSWORD=ha-drill-admin-password \
    RATE_LIMIT_ENABLED=false LOG_FORMAT=json SLOW_SQL_MS=1000 DB_POOL_SIZE=10 WEBHOOK_ALLOW_PRIVATE_TARGETS=true \
    DB_POOL_TIMEOUT_MS=5000 \
    setsid "$JAVA" -Xmx384m -XX:TieredStopAtLevel=1 -jar "$JAR" serve >>"$HA_DIR/app$n.log" 2>&1 &
  echo $! >"$HA_DIR/app$n.pid"
}
app_ready() { http_ok "http://127.0.0.1:$([ "$1" = 1 ] && echo $APP1 || echo $APP2)/readyz"; }

start_worker() {
  API_URL=http://127.0.0.1:$API WORKER_API_TOKEN=$(cat "$HA_DIR/worker.token") WORKER_DATABASE_URL=$WORKER_DB_URL \
    LOG_FORMAT=json setsid "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -jar "$JAR" worker >>"$HA_DIR/worker.log" 2>&1 &
  echo $! >"$HA_DIR/worker.pid"
}

# haproxy_cmd "set server apps/app1 state drain": HAProxy's runtime API
haproxy_cmd() {
  python3 - "$HAPROXY_SOCK" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall((sys.argv[2] + "\n").encode())
out = b""
while True:
    b = s.recv(65536)
    if not b: break
    out += b
print(out.decode(), end="")
PY
}
# current sessions HAProxy has open to a server (scur of "show stat")
haproxy_sessions() {
  haproxy_cmd "show stat" | awk -F, -v b="$1" -v s="$2" '$1==b && $2==s {print $5}'
}

# the API's JSON: api METHOD PATH [BODY] (with the admin token from state)
api() {
  curl -sS --max-time 10 -X "$1" "http://127.0.0.1:$API$2" -H "Authorization: Bearer $(cat "$HA_DIR/admin.token")" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}
}
psql_ha() { psql -h 127.0.0.1 -p $DB_PRIMARY -U postgres -d kanban -Atq "$@"; }
one_primary_in_haproxy() {
  [ "$(haproxy_cmd "show stat" | awk -F, '$1=="postgres_primary" && ($2=="pg1" || $2=="pg2") && $18=="UP"' | wc -l)" = 1 ]
}
# heavy reads by the database that served them, summed over both apps since they started:
# {"replica": n, "primary": n} from /actuator/prometheus (kanban_replica_reads_total)
replica_reads() {
  for port in $APP1 $APP2; do
    curl -s --max-time 5 "http://127.0.0.1:$port/actuator/prometheus" -H "Authorization: Bearer $(cat "$HA_DIR/admin.token")"
  done | python3 -c '
import json, re, sys
n = {"replica": 0, "primary": 0}
for line in sys.stdin:
    m = re.match(r"kanban_replica_reads_total\{.*served_by=\"(\w+)\".*\} ([0-9.e+]+)", line)
    if m: n[m.group(1)] += int(float(m.group(2)))
print(json.dumps(n))'
}
