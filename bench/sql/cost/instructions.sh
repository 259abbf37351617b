#!/usr/bin/env bash
# Instructions per write (issue #19), counted by valgrind (callgrind) in a single-user PostgreSQL
# backend: deterministic, so an A/B of a few percent shows on a loaded, shared machine where
# backend-cpu.sh's CPU times vary by ±20 %. Copies database DB of the running server into a scratch
# cluster (IR_DIR, default /tmp/ir-pg; port 5499 while loading), applies SETUP (an SQL file, optional:
# e.g. a migration being tried), then runs FILE N1 and N2 times (default 20 and 220; same random
# statements, seed 42) in fresh copies and prints (Ir(N2) - Ir(N1)) / (N2 - N1): the instructions of
# one statement of FILE in steady state, start-up and warm-up cancelled out. Run as root or postgres.
#
#   bench/sql/cost/instructions.sh DB FILE [SETUP]    e.g. bench/sql/cost/instructions.sh ab_bench bench/sql/cost/move.sql
#
# FILE as for backend-cpu.sh (:i, :r, :c), one statement per line. PREP=FILE2 runs FILE2's lines once
# before them (e.g. PREPARE statements that FILE EXECUTEs, as the service's driver prepares its
# statements and PostgreSQL keeps their generic plans: bench/sql/cost/move-service*.sql). Needs valgrind; about 1-2 minutes a
# file on 2 cores. The scratch cluster is left for the next run (rm -rf IR_DIR to drop it).
set -euo pipefail
DB=$1; FILE=$(readlink -f "$2"); SETUP=${3:+$(readlink -f "$3")}
N1=${N1:-20}; N2=${N2:-220}; DIR=${IR_DIR:-/tmp/ir-pg}
BIN=${PG_BIN:-$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}
as_pg() { if [ "$(id -un)" = postgres ]; then bash -c "$1"; else su postgres -c "$1"; fi; }
single() { as_pg "$BIN/postgres --single -D $DIR/data $1"; }
mkdir -p "$DIR"; chown postgres "$DIR" 2>/dev/null || true
[ -d "$DIR/data" ] || as_pg "$BIN/initdb -D $DIR/data -A trust -U postgres >$DIR/initdb.log"
TPL=ir_$(echo "$DB ${SETUP:-}" | cksum | cut -d' ' -f1)
if [ ! -f "$DIR/$TPL.ok" ]; then
  pg_dump -h "${PGHOST:-127.0.0.1}" -U "${PGUSER:-postgres}" -Fc "$DB" >"$DIR/src.dump"
  as_pg "$BIN/pg_ctl -D $DIR/data -o '-p 5499 -k $DIR -c listen_addresses=127.0.0.1' -l $DIR/log -w start" >/dev/null
  trap 'as_pg "$BIN/pg_ctl -D $DIR/data -w stop" >/dev/null 2>&1 || true' EXIT
  psql -X -q -h 127.0.0.1 -p 5499 -U postgres -d postgres -c "create database $TPL"
  pg_restore -h 127.0.0.1 -p 5499 -U postgres --no-owner --no-privileges -d "$TPL" "$DIR/src.dump" 2>/dev/null || true
  [ -n "$SETUP" ] && psql -X -q -h 127.0.0.1 -p 5499 -U postgres -d "$TPL" -v ON_ERROR_STOP=1 -f "$SETUP" >/dev/null
  psql -X -q -h 127.0.0.1 -p 5499 -U postgres -d "$TPL" -c "vacuum analyze"
  as_pg "$BIN/pg_ctl -D $DIR/data -w stop" >/dev/null; trap - EXIT
  touch "$DIR/$TPL.ok"
fi
run() { # instructions of a fresh copy running N statements
  printf 'drop database if exists ir_run\ncreate database ir_run template %s\n' "$TPL" | single postgres >/dev/null 2>&1
  python3 - "$1" "$FILE" "${PREP:-}" >"$DIR/q.sql" <<'PY'
import random, sys
n, body = int(sys.argv[1]), open(sys.argv[2]).read().strip()
random.seed(42)
print("select set_config('kanban.workspace_id', '1', false), set_config('kanban.actor', 'bench', false)")
if sys.argv[3]:
    print(open(sys.argv[3]).read().strip())
for _ in range(n):
    print(body.replace(':i', str(random.randint(1, 10**12))).replace(':r', str(random.randint(1, 10000)))
          .replace(':c', str(random.randint(1, 4))))
PY
  chmod 644 "$DIR/q.sql"
  as_pg "valgrind --tool=callgrind --callgrind-out-file=$DIR/callgrind.$1.out $BIN/postgres --single -D $DIR/data ir_run < $DIR/q.sql" >"$DIR/run.log" 2>&1
  if grep -q 'ERROR\|FATAL' "$DIR/run.log"; then grep 'ERROR\|FATAL' "$DIR/run.log" | head -3 >&2; exit 1; fi
  grep 'Collected' "$DIR/run.log" | awk '{ print $4 }'
}
a=$(run "$N1"); b=$(run "$N2")
echo $(( (b - a) / (N2 - N1) ))
