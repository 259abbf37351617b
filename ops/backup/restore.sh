#!/usr/bin/env bash
# Point-in-time restore: a copy of a base backup replays the archived WAL up to TARGET_TIME and is
# promoted, as a new server in RESTORE_DIR on PORT (the original is left alone).
#   ops/backup/restore.sh BASE_BACKUP WAL_ARCHIVE 'TARGET_TIME' RESTORE_DIR PORT
set -euo pipefail
base=$1 archive=$2 target_time=$3 dir=$4 port=$5
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ ! -e "$dir" ] || { echo "$dir exists" >&2; exit 1; }
cp -a "$base" "$dir"
rm -f "$dir/postmaster.pid"
cat >>"$dir/postgresql.auto.conf" <<CONF
port = $port
archive_mode = off
restore_command = 'cp "$archive/%f" "%p"'
recovery_target_time = '$target_time'
recovery_target_action = 'promote'
CONF
touch "$dir/recovery.signal"
chown -R postgres:postgres "$dir" 2>/dev/null || true
chmod 700 "$dir"
su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$dir' -l '$dir.log' -w -t 300 start" >/dev/null
# recovery ends with a promotion: wait until the server takes writes
for i in $(seq 1 300); do
  [ "$(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc 'select pg_is_in_recovery()' 2>/dev/null)" = f ] && exit 0
  sleep 0.5
done
echo "still in recovery after 150 s (see $dir.log)" >&2
exit 1
