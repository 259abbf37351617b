#!/usr/bin/env bash
# A base backup of a running PostgreSQL whose WAL is archived (archive_mode=on; see postgresql.conf
# lines in docs/operations.md "Backups"): pg_basebackup into BACKUP_DIR/base-<timestamp>, with the
# WAL needed to make it consistent. Point-in-time restores replay the archive on top of it.
#   ops/backup/base-backup.sh HOST PORT BACKUP_DIR
set -euo pipefail
host=$1 port=$2 dir=$3
target="$dir/base-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dir"
pg_basebackup -h "$host" -p "$port" -U "${PGUSER:-postgres}" -D "$target" -Fp -X stream -c fast --label="agent-kanban base backup"
echo "$target"
