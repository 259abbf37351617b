# Sourced by bench/run.sh, bench/startup.sh, bench/memory.sh, bench/import.sh and bench/sql/capture.sh:
# what they share.

# stop_process PID: SIGTERM, up to 20 s for a graceful stop, then SIGKILL
stop_process() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

# sign_in BASE: the bench admin's session token (ADMIN_USERNAME=bench ADMIN_PASSWORD=bench-password-1234);
# the admin is created just after the first healthy answer, so this asks until it exists (50 s)
sign_in() {
  local token=""
  for _ in $(seq 1 100); do
    token=$(curl -sS -X POST -H 'Content-Type: application/json' \
      -d '{"username":"bench","password":"bench-password-1234"}' "$1/api/v1/auth/login" \
      | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
    [ -z "$token" ] || { echo "$token"; return 0; }
    sleep 0.5
  done
  echo "signing in as the bench user failed" >&2
  return 1
}

# serves_here PID PORT: whether process PID listens on PORT, so that an answer there is its own (another
# process may have bound the port meanwhile; then PID fails to start). True where ss is missing.
serves_here() { ! command -v ss >/dev/null || ss -Hltnp "sport = :$2" | grep -q "pid=$1,"; }

# free_port: a free port, from a random start: other runs on the machine (bench/startup.sh, another
# bench/run.sh, bench/ab.sh) take ports of this range too. A port free now stays free until the service
# binds it, which takes seconds: so each port handed out is also claimed for two minutes (a marker
# file, made atomically), and no other run is handed it meanwhile, else its requests would go to the
# first run's service.
free_port() {
  local port dir=${TMPDIR:-/tmp}/agent-kanban-bench-ports
  mkdir -p "$dir"
  find "$dir" -type f -mmin +2 -delete 2>/dev/null || true
  for port in $(shuf -i 18080-18180); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && (set -o noclobber; : >"$dir/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}
