# Shared settings of the HA drill (sourced). Everything listens on loopback, ports 25000-26000.
HA_DIR=${HA_DIR:-/tmp/kanban-ha}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR=${JAR:-$REPO/target/agent-kanban.jar}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
ETCD_CLIENT=25379 ETCD_PEER=25380
PG1_PORT=25432 PG1_REST=25008
PG2_PORT=25433 PG2_REST=25009
DB_PRIMARY=25000      # HAProxy: the current primary (Patroni GET /primary)
DB_REPLICA=25001      # HAProxy: a streaming standby (Patroni GET /replica)
PGBOUNCER=25100       # PgBouncer (transaction pooling) in front of HAProxy's primary port: the apps' pools
API=25080             # HAProxy: the two app instances
APP1=25081 APP2=25082
HOOK=25090            # the drill's webhook receiver
HAPROXY_SOCK=$HA_DIR/haproxy.sock
# a request waits at most 5 s for a pooled connection (DB_POOL_TIMEOUT_MS in lib.sh), well within
# the clients' 10 s, so that requests caught by the failover end as 503 problems, not hangs
# The apps' pools go through PgBouncer in transaction pooling mode (prepareThreshold=0: PgBouncer 1.18
# keeps no prepared statements across transactions); what needs a session of its own (Flyway's lock, the
# outbox listener's LISTEN) connects to the primary directly (DATABASE_SESSION_URL); heavy reads go to
# the synchronous standby when it has the caller's writes (READ_DATABASE_URL, HAProxy's replica port).
DATABASE_URL="postgresql://postgres@127.0.0.1:$PGBOUNCER/kanban?prepareThreshold=0"
DATABASE_SESSION_URL="postgresql://postgres@127.0.0.1:$DB_PRIMARY/kanban"
READ_DATABASE_URL="postgresql://postgres@127.0.0.1:$DB_REPLICA/kanban"
# the worker's own database (not part of the HA pair): the machine's PostgreSQL
WORKER_DB_URL=${WORKER_DB_URL:-postgresql://postgres@127.0.0.1:5432/kanban_ha_worker}
SECRET_KEY=${SECRET_KEY:-ha-drill-secret-key-0123456789abcdef-not-for-production}
export HA_DIR
