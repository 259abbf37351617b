#!/usr/bin/env bash
# Starts the drill's topology on loopback (ports 25000-26000), all state in $HA_DIR (/tmp/kanban-ha):
#   etcd (1 member) <- Patroni pg1 + pg2 (PostgreSQL 15: primary + synchronous standby)
#   HAProxy: 25000 -> primary, 25001 -> standby (Patroni REST checks), 25080 -> app1 25081, app2 25082
#   PgBouncer 25100 (transaction pooling) -> HAProxy 25000: the apps' connection pools
#   the worker (its own database on the machine's PostgreSQL) following the API through HAProxy
# Installs etcd-server, patroni, haproxy and pgbouncer with apt when missing. Stop everything with ops/ha/down.sh.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/lib.sh"

for pkg in etcd:etcd-server patroni:patroni haproxy:haproxy pgbouncer:pgbouncer; do
  command -v "${pkg%%:*}" >/dev/null || { log "installing ${pkg#*:}"; apt-get install -y -qq "${pkg#*:}" >/dev/null; }
done
[ -x "$PG_BIN/postgres" ] || die "PostgreSQL 15 binaries not at $PG_BIN"
[ -f "$JAR" ] || (cd "$REPO" && ./mvnw -B -ntp -q package -DskipTests)

[ ! -e "$HA_DIR" ] || die "$HA_DIR exists: run ops/ha/down.sh first"
mkdir -p "$HA_DIR"
chmod 755 "$HA_DIR"

log "etcd on $ETCD_CLIENT"
etcd --name e1 --data-dir "$HA_DIR/etcd" --listen-client-urls http://127.0.0.1:$ETCD_CLIENT \
  --advertise-client-urls http://127.0.0.1:$ETCD_CLIENT --listen-peer-urls http://127.0.0.1:$ETCD_PEER \
  --initial-advertise-peer-urls http://127.0.0.1:$ETCD_PEER --initial-cluster e1=http://127.0.0.1:$ETCD_PEER \
  --listen-metrics-urls http://127.0.0.1:25381 >"$HA_DIR/etcd.log" 2>&1 &
echo $! >"$HA_DIR/etcd.pid"
wait_for 30 "etcd" http_ok "http://127.0.0.1:$ETCD_CLIENT/health"

for name in pg1 pg2; do
  sed -e "s|@NAME@|$name|g" -e "s|@REST@|$(rest_port $name)|g" -e "s|@PORT@|$(pg_port $name)|g" \
      -e "s|@ETCD@|$ETCD_CLIENT|g" -e "s|@DIR@|$HA_DIR|g" -e "s|@PGBIN@|$PG_BIN|g" \
      "$(dirname "$0")/patroni.yml.in" >"$HA_DIR/$name.yml"
  mkdir -p "$HA_DIR/log-$name"
done
chown -R postgres:postgres "$HA_DIR"
log "Patroni pg1 (bootstraps the cluster), then pg2 (clones it)"
start_patroni pg1
wait_for 90 "pg1 primary" http_ok "http://127.0.0.1:$PG1_REST/primary"
start_patroni pg2
wait_for 120 "synchronous standby" sync_standby_streaming

sed -e "s|@SOCK@|$HAPROXY_SOCK|g" -e "s|@DB_PRIMARY@|$DB_PRIMARY|g" -e "s|@DB_REPLICA@|$DB_REPLICA|g" -e "s|@API@|$API|g" \
    -e "s|@PG1_PORT@|$PG1_PORT|g" -e "s|@PG2_PORT@|$PG2_PORT|g" -e "s|@PG1_REST@|$PG1_REST|g" -e "s|@PG2_REST@|$PG2_REST|g" \
    -e "s|@APP1@|$APP1|g" -e "s|@APP2@|$APP2|g" -e "s|@ERRORFILE@|$REPO/ops/ha/503-problem.http|g" "$(dirname "$0")/haproxy.cfg.in" >"$HA_DIR/haproxy.cfg"
haproxy -q -f "$HA_DIR/haproxy.cfg" -D -p "$HA_DIR/haproxy.pid"
# servers count as up until their first check: wait until HAProxy has checked both nodes
wait_for 30 "HAProxy's checks of the primary" one_primary_in_haproxy
psql -h 127.0.0.1 -p $DB_PRIMARY -U postgres -d postgres -qc 'create database kanban'

log "PgBouncer on $PGBOUNCER (transaction pooling) -> HAProxy $DB_PRIMARY"
sed -e "s|@DIR@|$HA_DIR|g" -e "s|@PORT@|$PGBOUNCER|g" -e "s|@DB_PRIMARY@|$DB_PRIMARY|g" \
    "$(dirname "$0")/pgbouncer.ini.in" >"$HA_DIR/pgbouncer.ini"
echo '"postgres" ""' >"$HA_DIR/pgbouncer-users.txt"
chown postgres:postgres "$HA_DIR/pgbouncer.ini" "$HA_DIR/pgbouncer-users.txt"
setpriv --reuid=postgres --regid=postgres --init-groups pgbouncer -d "$HA_DIR/pgbouncer.ini"
wait_for 30 "PgBouncer" psql -h 127.0.0.1 -p $PGBOUNCER -U postgres -d kanban -Atqc 'select 1'
psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -qc 'drop database if exists kanban_ha_worker' -c 'create database kanban_ha_worker'

log "app1 and app2 (migrations run on the first)"
start_app 1
wait_for 240 "app1" app_ready 1
start_app 2
wait_for 240 "app2" app_ready 2

TOKEN=$(curl -fsS "http://127.0.0.1:$API/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"ha-drill-admin-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
ADMIN_API=$(curl -fsS "http://127.0.0.1:$API/api/v1/tokens" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"drill","scopes":["read","write","admin"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
echo "$ADMIN_API" >"$HA_DIR/admin.token"
api POST /api/v1/users '{"username":"worker","password":"ha-drill-worker-password","kind":"agent","role":"agent"}' >/dev/null
WT=$(curl -fsS "http://127.0.0.1:$API/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"worker","password":"ha-drill-worker-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
curl -fsS "http://127.0.0.1:$API/api/v1/tokens" -H "Authorization: Bearer $WT" -H 'Content-Type: application/json' \
  -d '{"name":"worker","scopes":["read","write"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' >"$HA_DIR/worker.token"
start_worker
log "up: primary $(leader), apps on $API, worker pid $(cat "$HA_DIR/worker.pid")"
