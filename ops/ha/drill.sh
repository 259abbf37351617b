#!/usr/bin/env bash
# The HA drills, on the topology of ops/ha/up.sh (started fresh here; ops/ha/down.sh at the end unless
# KEEP=1). Figures go to ops/ha/results/ (failover.json, rolling.json) and are summarised on stdout.
#
# 1. Failover: writers, WebSocket subscribers and a webhook receiver run (load.mjs) while the primary's
#    server is lost: its postmaster and its Patroni are killed with kill -9. The standby (synchronous:
#    it had confirmed every acknowledged commit) is promoted when the leader key expires, HAProxy sends
#    new connections to it, the apps reconnect by themselves. verify.py then checks every acknowledged
#    write, every event per subscriber, every webhook delivery, and that failures were 503 problems.
# 2. Rolling restart of app1 then app2 under the same load: HAProxy drains the instance (runtime API),
#    SIGTERM (graceful shutdown), start, ready, back in; no request may fail.
set -euo pipefail
cd "$(dirname "$0")"
source ./env.sh
source ./lib.sh
LOAD_SECONDS=${LOAD_SECONDS:-15}    # load before the event
AFTER_SECONDS=${AFTER_SECONDS:-20}  # load after recovery
RESULTS=$REPO/ops/ha/results
mkdir -p "$RESULTS"

[ -e "$HA_DIR" ] && ./down.sh >/dev/null
./up.sh
# keep the error lines of the apps' logs (JSON) with the results before the topology goes
trap 'grep -h "\"level\":\"ERROR\"" "$HA_DIR"/app*.log >"$RESULTS/app-errors.log" 2>/dev/null; [ "${KEEP:-0}" = 1 ] || ./down.sh >/dev/null' EXIT

BOARD_JSON=$(api POST /api/v1/boards '{"name":"HA drill"}')
BOARD=$(echo "$BOARD_JSON" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
COLUMNS=$(api GET "/api/v1/boards/$BOARD" | python3 -c 'import json,sys; b=json.load(sys.stdin); print(json.dumps([c["id"] for c in b["columns"]][:2]))')
api POST /api/v1/webhooks "{\"url\":\"http://127.0.0.1:$HOOK/hook\",\"board_id\":$BOARD}" >/dev/null
HOOK_START=$(psql_ha -c "select coalesce(max(id), 0) from outbox_events")
log "board $BOARD, columns $COLUMNS, webhook after event $HOOK_START"

run_load() {  # run_load NAME: starts load.mjs in the background
  rm -f "$HA_DIR/stop-$1"
  BASE=http://127.0.0.1:$API TOKEN=$(cat "$HA_DIR/admin.token") BOARD=$BOARD COLUMNS=$COLUMNS HOOK_PORT=$HOOK \
    STOP=$HA_DIR/stop-$1 OUT=$HA_DIR/$1.json node --experimental-websocket --no-warnings load.mjs >"$HA_DIR/load-$1.log" 2>&1 &
  LOAD_PID=$!
}
stop_load() {  # stop_load NAME
  touch "$HA_DIR/stop-$1"
  wait "$LOAD_PID" || die "load.mjs failed: $(tail -5 "$HA_DIR/load-$1.log")"
}

# ---------------------------------------------------------------- drill 1: failover
APP_PIDS="$(cat "$HA_DIR/app1.pid") $(cat "$HA_DIR/app2.pid")"
OLD=$(leader)
NEW=$([ "$OLD" = pg1 ] && echo pg2 || echo pg1)
run_load failover
sleep "$LOAD_SECONDS"   # the load runs; this is its duration, not a synchronisation
log "killing $OLD (postmaster and Patroni, kill -9); $NEW is the synchronous standby"
POSTMASTER=$(head -1 "$HA_DIR/$OLD/postmaster.pid")
KILL_AT=$(now_ms)
kill -9 "$POSTMASTER" "$(cat "$HA_DIR/patroni-$OLD.pid")"
wait_for 60 "promotion of $NEW" http_ok "http://127.0.0.1:$(rest_port $NEW)/primary"
PROMOTED_AT=$(now_ms)
wait_for 60 "a write through the apps" curl -fsS --max-time 5 "http://127.0.0.1:$API/api/v1/tasks" -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $(cat "$HA_DIR/admin.token")" -d "{\"board_id\":$BOARD,\"title\":\"probe after failover\"}"
WRITABLE_AT=$(now_ms)
log "promoted after $(( PROMOTED_AT - KILL_AT )) ms, writes through the apps after $(( WRITABLE_AT - KILL_AT )) ms"
sleep "$AFTER_SECONDS"
stop_load failover
[ "$APP_PIDS" = "$(cat "$HA_DIR/app1.pid") $(cat "$HA_DIR/app2.pid")" ] && kill -0 $APP_PIDS || die "an app was restarted"
DB_PRIMARY=$DB_PRIMARY python3 verify.py "$HA_DIR/failover.json" "$BOARD" "$HOOK_START" "$KILL_AT" >"$HA_DIR/failover-figures.json" \
  && FAILOVER_OK=1 || FAILOVER_OK=0
replica_reads >"$HA_DIR/failover-replica-reads.json"
python3 - "$HA_DIR/failover-figures.json" "$KILL_AT" "$PROMOTED_AT" "$WRITABLE_AT" "$OLD" "$NEW" "$HA_DIR/failover-replica-reads.json" <<'PY' >"$RESULTS/failover.json"
import json, sys
f = json.load(open(sys.argv[1]))
f["heavy_reads_served_by"] = json.load(open(sys.argv[7]))
kill, promoted, writable = map(int, sys.argv[2:5])
f["failover"] = {"killed": sys.argv[5], "promoted": sys.argv[6], "promoted_after_s": round((promoted - kill) / 1000, 1),
                 "writes_through_apps_after_s": round((writable - kill) / 1000, 1), "apps_restarted": False}
print(json.dumps(f, indent=1))
PY

log "old primary $OLD rejoins as a standby (pg_rewind)"
REJOIN_AT=$(now_ms)
start_patroni "$OLD"
wait_for 180 "$OLD back as synchronous standby" sync_standby_streaming
log "rejoined after $(( $(now_ms) - REJOIN_AT )) ms"

# ---------------------------------------------------------------- drill 2: rolling restart
HOOK_START2=$(psql_ha -c "select coalesce(max(id), 0) from outbox_events")
run_load rolling
sleep "$LOAD_SECONDS"
ROLL_AT=$(now_ms)
for n in 1 2; do
  pid=$(cat "$HA_DIR/app$n.pid")
  log "app$n: drain in HAProxy, SIGTERM, start, ready, back in"
  haproxy_cmd "set server apps/app$n state drain" >/dev/null
  deadline=$(( $(date +%s) + 10 ))   # in-flight HTTP requests finish; WebSocket tunnels stay until SIGTERM closes them
  while [ "$(haproxy_sessions apps app$n)" -gt 3 ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
  kill -TERM "$pid"
  wait_for 60 "app$n to stop" bash -c "! kill -0 $pid"
  start_app "$n"
  wait_for 240 "app$n ready" app_ready "$n"
  haproxy_cmd "set server apps/app$n state ready" >/dev/null
  wait_for 30 "HAProxy to see app$n up" bash -c "source ./env.sh; source ./lib.sh; haproxy_cmd 'show stat' | grep -q '^apps,app$n,.*,UP,'"
done
ROLLED_AT=$(now_ms)
sleep 5
stop_load rolling
DB_PRIMARY=$DB_PRIMARY python3 verify.py "$HA_DIR/rolling.json" "$BOARD" "$HOOK_START2" "$ROLL_AT" >"$HA_DIR/rolling-figures.json" \
  && ROLLING_OK=1 || ROLLING_OK=0
replica_reads >"$HA_DIR/rolling-replica-reads.json"
python3 - "$HA_DIR/rolling-figures.json" "$ROLL_AT" "$ROLLED_AT" "$HA_DIR/rolling-replica-reads.json" <<'PY' >"$RESULTS/rolling.json"
import json, sys
f = json.load(open(sys.argv[1]))
f["heavy_reads_served_by_restarted_apps"] = json.load(open(sys.argv[4]))
f["rolling_restart"] = {"duration_s": round((int(sys.argv[3]) - int(sys.argv[2])) / 1000, 1)}
print(json.dumps(f, indent=1))
PY

(python3 - "$RESULTS/failover.json" "$RESULTS/rolling.json" <<'PY'
import json, sys
f, r = (json.load(open(p)) for p in sys.argv[1:3])
def line(name, x):
    w = x["writes_acknowledged"]; l = x["writes_lost"]
    print(f"{name}: writes acknowledged {w['total']} ({w['create']} creates, {w['move']} moves, {w['comment']} comments), "
          f"lost {l['create'] + l['move'] + l['comment']}; failed attempts {x['failed_attempts']} {x['failed_by_kind']} "
          f"(not a 503 problem: {x['failed_not_503_problem']}); client timeouts {x['client_timeouts']}; "
          f"WebSocket events missed {x['websocket_events_missed']} of {sum(s['expected'] for s in x['websocket'])} "
          f"(reconnects {sum(s['connections'] - 1 for s in x['websocket'])}); webhook deliveries missing "
          f"{x['webhook']['missing']} of {x['webhook']['expected']} ({x['webhook']['delivered_more_than_once']} delivered twice); "
          f"exports after the writer's own write {x['read_your_writes']['exports_checked']}, own write missing "
          f"{x['read_your_writes']['own_write_missing']}; heavy reads served by "
          f"{x.get('heavy_reads_served_by') or x.get('heavy_reads_served_by_restarted_apps')}")
fo = f["failover"]
line("failover", f)
print(f"failover: {fo['killed']} killed, {fo['promoted']} promoted after {fo['promoted_after_s']} s, writes through the apps "
      f"after {fo['writes_through_apps_after_s']} s; longest time without an acknowledged write {f['around_event']['longest_without_ack_ms']} ms; "
      f"max request {f['max_request_ms']} ms; apps restarted: no")
line("rolling restart", r)
print(f"rolling restart: both instances in {r['rolling_restart']['duration_s']} s; failed requests {r['failed_attempts']}")
PY
) | tee "$RESULTS/summary.txt"
[ "$FAILOVER_OK" = 1 ] || die "failover drill: something was lost (ops/ha/results/failover.json)"
[ "$ROLLING_OK" = 1 ] || die "rolling restart: something was lost (ops/ha/results/rolling.json)"
[ "$(python3 -c "import json; print(json.load(open('$RESULTS/failover.json'))['failed_not_503_problem'])")" = 0 ] \
  || die "failover drill: a failure that was not a 503 problem document"
[ "$(python3 -c "import json; print(json.load(open('$RESULTS/rolling.json'))['failed_attempts'])")" = 0 ] \
  || die "rolling restart: requests failed"
log "both drills passed"
