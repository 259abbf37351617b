#!/usr/bin/env bash
# Stops what ops/ha/up.sh started (by the pids it recorded) and removes $HA_DIR.
source "$(dirname "$0")/env.sh"
for f in worker app1 app2 haproxy pgbouncer patroni-pg1 patroni-pg2 etcd; do
  [ -f "$HA_DIR/$f.pid" ] && kill "$(cat "$HA_DIR/$f.pid")" 2>/dev/null
done
for name in pg1 pg2; do  # a postmaster whose Patroni was killed -9 keeps running
  [ -f "$HA_DIR/$name/postmaster.pid" ] && kill -INT "$(head -1 "$HA_DIR/$name/postmaster.pid")" 2>/dev/null
done
for i in $(seq 1 100); do
  alive=0
  for f in "$HA_DIR"/*.pid; do [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1; done
  [ $alive = 0 ] && break
  sleep 0.3
done
rm -rf "$HA_DIR"
echo "stopped"
