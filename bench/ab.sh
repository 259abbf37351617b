#!/usr/bin/env bash
# A/B of two builds' CPU per request (issue 19), for comparisons on a shared or noisy machine: run it
# for each jar in turn, alternating (A, B, A, B), and compare neighbouring runs only.
#
#   bench/ab.sh JAR LABEL      e.g. bench/ab.sh /tmp/before.jar A1; bench/ab.sh target/agent-kanban.jar B1
#   AB_JAVA_OPTS='-Xmx96m' bench/ab.sh target/agent-kanban.jar B1     one jar, two sets of JVM options
#
# Starts JAR through bin/agent-kanban (so with its default memory settings and environment; unpacked
# into target/ab-app/, without the AOT cache unless AB_AOT=on), with AB_JAVA_OPTS as its JAVA_OPTS
# (added after the defaults, so they win), on a fresh database AB_DB (default ab_bench) of 10,000
# tasks (AB_TASKS, bench/seed.sql), warms each operation up for WARM seconds (default 15), then
# drives get, list, create, move and update with wrk (2 threads, 8 connections) for DUR seconds each
# (default 15) and prints per operation: req/s, the service's and PostgreSQL's CPU per request (from
# /proc) and PostgreSQL commits per request (pg_stat_database), then the service's peak resident memory
# (VmHWM) and young/full collections. PROFILE=1 records a JFR profile (JFR_SETTINGS: a .jfc file instead of
# the JDK's "profile" settings, e.g. one made by `jfr configure --input profile jdk.ExecutionSample#period=1ms`;
# AB_JAVA_OPTS=-XX:FlightRecorderOptions:stackdepth=1024 for whole stacks); OPS="get_task list_column"
# measures only those operations; AB_CONNECTIONS=1 drives them with one connection instead of 8.
# STATEMENTS=N prints, after each operation, its N statements of most execution time in that window
# (pg_stat_statements with track = all, so the statements of functions and triggers too, whose time is
# also in their callers'; the service's and its background work's alike): calls and ms per request.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=$1; LABEL=$2; DB=${AB_DB:-ab_bench}; DUR=${DUR:-15}; WARM=${WARM:-15}; AB_CONNECTIONS=${AB_CONNECTIONS:-8}

export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}; JAVA=$JAVA_HOME/bin/java
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
psql -X -q -d postgres -c "drop database if exists $DB with (force)" -c "create database $DB" >/dev/null
[ -z "${STATEMENTS:-}" ] || psql -X -q -d "$DB" -c "create extension if not exists pg_stat_statements" \
  -c "alter database $DB set pg_stat_statements.track = 'all'" >/dev/null
. bench/common.sh
PORT=$(free_port) || { echo "no free port in 18080-18180" >&2; exit 1; }
mkdir -p bench/results
BASE=http://127.0.0.1:$PORT
# one unpacked copy per jar (bin/agent-kanban unpacks it again when the jar is newer)
APPDIR=target/ab-app/$(readlink -f "$JAR" | cksum | cut -d' ' -f1)
env DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" PORT=$PORT RATE_LIMIT_ENABLED=false \
  ADMIN_USERNAME=bench ADMIN_PASSWORD=bench-password-1234 JAVA_HOME="$JAVA_HOME" \
  AGENT_KANBAN_JAR="$JAR" AGENT_KANBAN_APP_DIR="$APPDIR" AGENT_KANBAN_AOT="${AB_AOT:-off}" \
  JAVA_OPTS="${AB_JAVA_OPTS:-}" bin/agent-kanban >bench/results/ab-$LABEL.log 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null; wait $APP 2>/dev/null || true' EXIT
# the answer must come from this JAR: on a shared machine another process may take the port first
until serves_here $APP $PORT && curl -fsS --max-time 5 -o /dev/null "$BASE/api/v1/health" 2>/dev/null; do
  kill -0 $APP 2>/dev/null || { tail -30 bench/results/ab-$LABEL.log; exit 1; }; sleep 0.2; done
TOKEN=$(sign_in "$BASE")
curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
  -d '{"name":"Bench board"}' "$BASE/api/v1/boards"
BOARD=$(sql -c "select max(id) from boards where name = 'Bench board'")
COLUMNS=$(sql -c "select string_agg(id::text, ',' order by position) from board_columns where board_id = $BOARD")
sql -v board="$BOARD" -v n="${AB_TASKS:-10000}" -f bench/seed.sql >/dev/null
sql -f bench/analyze.sql >/dev/null
read -r MIN_ID MAX_ID < <(sql -F ' ' -c "select min(id), max(id) from tasks where board_id = $BOARD")
app_ticks() { awk '{ print $14 + $15 }' "/proc/$APP/stat"; }
pg_ticks() { local pid total=0
  for pid in $(psql -X -At -d postgres -c "select pid from pg_stat_activity where datname = '$DB' and pid <> pg_backend_pid()"); do
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0) )); done; echo $total; }
TICK=$(( 1000 / $(getconf CLK_TCK) ))
w() { wrk -t$(( AB_CONNECTIONS < 2 ? AB_CONNECTIONS : 2 )) -c$AB_CONNECTIONS -d"$2s" --timeout 5s --latency -s "bench/wrk/$1.lua" "$BASE" -- min="$MIN_ID" max="$MAX_ID" board="$BOARD" columns="$COLUMNS" token="$TOKEN"; }
OPS=${OPS:-get_task list_column create_task move_task update_task}
for op in $OPS; do w $op $WARM >/dev/null; done
[ "${PROFILE:-}" = 1 ] && $JAVA_HOME/bin/jcmd $APP JFR.start name=w settings=${JFR_SETTINGS:-profile} filename=bench/results/ab-$LABEL.jfr >/dev/null
for op in $OPS; do
  x0=$(psql -X -At -d postgres -c "select xact_commit from pg_stat_database where datname = '$DB'")
  [ -n "${STATEMENTS:-}" ] && psql -X -q -At -d "$DB" -c "select pg_stat_statements_reset()" >/dev/null
  a0=$(app_ticks); p0=$(pg_ticks); la=$(cut -d' ' -f1 /proc/loadavg)
  out=$(w $op $DUR)
  a=$(( ($(app_ticks) - a0) * TICK )); p=$(( ($(pg_ticks) - p0) * TICK ))
  sleep 1; x=$(( $(psql -X -At -d postgres -c "select xact_commit from pg_stat_database where datname = '$DB'") - x0 ))
  echo "$out" | grep '^BENCH ' | awk -v l="$LABEL" -v op=$op -v a=$a -v p=$p -v la=$la -v x=$x '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    r = v["requests"]; printf "%s %-12s %6.0f req/s  app %.2f ms  pg %.2f ms  total %.2f ms/req  PG commits/req %.2f  errors %d  load %s\n", l, op, v["rps"], a/r, p/r, (a+p)/r, x/r, v["non2xx"]+v["socket_errors"], la }'
  if [ -n "${STATEMENTS:-}" ]; then
    n=$(echo "$out" | grep '^BENCH ' | tr ' ' '\n' | sed -n 's/^requests=//p')
    psql -X -q -At -F ' | ' -d "$DB" -c "select round(calls::numeric / $n, 3), round((total_exec_time / $n)::numeric, 4), left(regexp_replace(query, '\s+', ' ', 'g'), 110)
      from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
      order by total_exec_time desc limit $STATEMENTS" | sed 's/^/    calls\/req | ms\/req | /'
  fi
done
[ "${PROFILE:-}" = 1 ] && $JAVA_HOME/bin/jcmd $APP JFR.stop name=w >/dev/null
gc=$($JAVA_HOME/bin/jstat -gc $APP 2>/dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 {
  printf "young collections %d (%.2f s), full %d (%.2f s)", $c["YGC"], $c["YGCT"], $c["FGC"], $c["FGCT"] }')
echo "$LABEL peak resident $(awk '/VmHWM/ {printf "%d", $2 / 1024}' /proc/$APP/status) MB; ${gc:-no jstat}; options: ${AB_JAVA_OPTS:-defaults}"
true
