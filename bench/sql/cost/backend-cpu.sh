#!/usr/bin/env bash
# Backend CPU per write (issue #19, docs/benchmarks.md "Where a write's PostgreSQL time goes"): runs a
# statement file N times in one psql session after 10 unrecorded runs and prints the server backend's
# CPU time (utime + stime from /proc, so PostgreSQL must run on this machine) per run in ms. CPU time
# rather than wall time, because the machine is shared; still noisy by about ±0.5 ms when loaded.
#
#   bench/sql/cost/backend-cpu.sh DB N FILE     e.g. bench/sql/cost/backend-cpu.sh kanban_bench 300 bench/sql/cost/move.sql
#
# In FILE, :i becomes a random number, :r a random task id in 1..10000 and :c a random column 1..4
# (bench/run.sh's seeded board). Disable a trigger in a scratch copy of the database
# (create database x template kanban_bench; alter table ... disable trigger ...) to get its share.
set -euo pipefail
DB=$1; N=$2; BODY=$3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 - "$N" "$BODY" "$TMP" >"$TMP/run.sql" <<'PY'
import random, sys
n, body, tmp = int(sys.argv[1]), open(sys.argv[2]).read(), sys.argv[3]
def gen():
    return (body.replace(':i', str(random.randint(1, 10**12))).replace(':r', str(random.randint(1, 10000)))
            .replace(':c', str(random.randint(1, 4))))
print("select pg_backend_pid() as pid \\gset")
print("\\setenv PID :pid")
print("select set_config('kanban.workspace_id', '1', false), set_config('kanban.actor', 'bench', false) \\g /dev/null")
for _ in range(10):
    print(gen())
print("\\! awk '{print $14 + $15}' /proc/$PID/stat > %s/t0" % tmp)
for _ in range(n):
    print(gen())
print("\\! awk '{print $14 + $15}' /proc/$PID/stat > %s/t1" % tmp)
PY
psql -X -q -h "${PGHOST:-127.0.0.1}" -U "${PGUSER:-postgres}" -d "$DB" -v ON_ERROR_STOP=1 -f "$TMP/run.sql" >/dev/null
echo "scale=2; ($(cat "$TMP/t1") - $(cat "$TMP/t0")) * 1000 / $(getconf CLK_TCK) / $N" | bc
