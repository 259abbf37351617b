#!/usr/bin/env bash
# Checks the packaged jar started the README's way (bin/agent-kanban) with Spring's ahead-of-time code
# (issue #19; dev.agentkanban.AheadOfTime). Run after ./mvnw package (CI: .ci/run, after verify; the
# unit tests run before the jar and its generated code exist).
#
#   ops/launcher-check.sh
#
# On a scratch database, in a folder of its own (AGENT_KANBAN_APP_DIR, so the first start trains its
# own cache): the default configuration must start with the ahead-of-time code and serve (health, the
# bootstrap admin's sign-in, a board created, POST /mcp answered); with MCP_ENABLED=false the start
# must fall back, say why, and POST /mcp must answer 404, as without the ahead-of-time code. Needs
# PostgreSQL on 127.0.0.1:5432 (user postgres, trust), psql and curl. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../bench/common.sh
. bench/common.sh
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
DB=kanban_launcher_check_$$
APP_DIR=$(mktemp -d)
PID=""
LOG="$APP_DIR/service.log"
cleanup() {
  stop_process "$PID"
  psql -qc "drop database if exists $DB" >/dev/null 2>&1 || true
  rm -rf "$APP_DIR"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ ! -f "$LOG" ] || tail -40 "$LOG" >&2; exit 1; }
psql -qc "create database $DB" >/dev/null

# start [VAR=value ...]: bin/agent-kanban on a free port with the bench admin, until healthy
start() {
  PORT=$(free_port) || fail "no free port"
  BASE="http://127.0.0.1:$PORT"
  env DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" PORT="$PORT" \
    ADMIN_USERNAME=bench ADMIN_PASSWORD=bench-password-1234 AGENT_KANBAN_APP_DIR="$APP_DIR/app" \
    "$@" bin/agent-kanban >"$LOG" 2>&1 &
  PID=$!
  for _ in $(seq 1 3000); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/health/simple")" = 200 ] && serves_here "$PID" "$PORT" && return 0
    kill -0 "$PID" 2>/dev/null || fail "the service exited during start-up"
    sleep 0.2
  done
  fail "no healthy answer within 600 s"
}

mcp_status() {
  curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"check","version":"1"}}}' \
    "$BASE/mcp"
}

start
grep -q "Starting with Spring's ahead-of-time code" "$LOG" || fail "the default configuration did not use the ahead-of-time code"
TOKEN=$(sign_in "$BASE") || fail "the bootstrap admin could not sign in"
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"name":"Ahead of time"}' "$BASE/api/v1/boards")
[ "$status" = 201 ] || fail "creating a board answered $status"
status=$(mcp_status "$TOKEN")
[ "$status" = 200 ] || fail "POST /mcp answered $status with the ahead-of-time code"
echo "ahead-of-time start: healthy, signed in, board created, POST /mcp 200"
stop_process "$PID"; PID=""

start MCP_ENABLED=false
grep -q "Starting without Spring's ahead-of-time code: a condition may read MCP_ENABLED" "$LOG" \
  || fail "MCP_ENABLED=false did not turn the ahead-of-time code off"
TOKEN=$(sign_in "$BASE") || fail "the bootstrap admin could not sign in"
status=$(mcp_status "$TOKEN")
[ "$status" = 404 ] || fail "POST /mcp answered $status with MCP_ENABLED=false (want 404)"
echo "MCP_ENABLED=false: started without the ahead-of-time code, POST /mcp 404"
stop_process "$PID"; PID=""
echo "launcher check OK"
