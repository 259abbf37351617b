# Sourced by bench/run.sh: writes the pgbench scripts that replay, statement for statement, what the
# service sends to PostgreSQL for each benchmarked operation (see bench/sql/README.md for the
# captured sequences). Each statement lives once in bench/sql/<name>.sql with pgbench variables in
# place of the application's bind parameters; this file puts them in the application's order and
# transaction shape. Needs: SQL_DIR, PGB_DIR, COLUMN_IDS, COLUMN_KINDS, APP_ROLE (true/false).

# stmt NAME [END] [SED]: the statement NAME, ended by END (default ';', or a \gset), after the sed
# expression SED (renames a variable for one use).
stmt() {
  local text
  text=$(sed -e "${3:-}" "$SQL_DIR/$1.sql")
  if [ "$APP_ROLE" != true ] && [ "$1" = bind ]; then
    text=$(sed "s/, set_config('role', 'kanban_app', true)//" <<<"$text")
  fi
  printf '%s %s\n' "$text" "${2:-;}"
}

# one round trip: the statements between \startpipeline and \endpipeline go with one Sync, as the
# driver sends the request's settings and the statement that follows them in one string
pipeline() {
  echo '\startpipeline'
  cat
  echo '\endpipeline'
}

# Transactions.read outside a transaction: every statement carries the request's settings and is a
# transaction of its own (no BEGIN/COMMIT); the caller's identity comes from the service's cache.
read_one() {  # read_one < statement (ended by ;)
  { stmt bind; cat; } | pipeline
}

# the task view of TaskQueries: the rows ROWS selects or a write returns (as t), the view's columns
# (task_columns.sql, or task_json_columns.sql for the reads the service writes the JSON of from the
# columns: get and list) with EXTRA ones, the column and the parts of all the rows (task_joins.sql: V60's
# task_list_parts(), which runs only the parts some row may have) and the ORDER, if any
view() {  # view ROWS EXTRA ORDER [COLUMNS] (ended by ;)
  printf 'with t as materialized (%s)\n%s%s\n%s%s;\n' "$1" \
    "$(cat "$SQL_DIR/${4:-task_columns}.sql")" "${2:-}" "$(cat "$SQL_DIR/task_joins.sql")" "${3:+ order by $3}"
}

# the view of the rows of one column (:col; TaskQueries.listJson with a column_id): the column's name read
# once, before the rows, instead of joined to each of them
view_of_column() {  # view_of_column ROWS EXTRA ORDER COLUMNS (ended by ;)
  view "$@" | sed -e 's/c\.name as column_name/(select c.name from board_columns c where c.id = :col) as column_name/' \
    -e 's/ from t left join board_columns c on c\.id = t\.column_id/ from t/'
}
task_row() { echo "select $(cat "$SQL_DIR/task_row.sql")"; }

# the task view of one row (TaskQueries.viewOfOne: a get by id, a write's returned row): the parts as lateral subqueries of
# that row (task_one_joins.sql) instead of materialized parts over many
view_one() {  # view_one ROW [COLUMNS] (ended by ;)
  printf 'with t as (%s)\n%s\n%s;\n' "$1" "$(cat "$SQL_DIR/${2:-task_columns}.sql")" "$(cat "$SQL_DIR/task_one_joins.sql")"
}

# TaskQueries.written: a write of the task row that answers the task's view in the same statement
written() {  # written SQL_FILE SED
  view_one "$(sed -e "${2:-}" "$SQL_DIR/$1.sql") returning *"
}

# Transactions.write: the driver sends BEGIN and the settings with the transaction's first statement
first_of_write() {  # first_of_write < statement
  { echo "BEGIN;"; stmt bind; cat; } | pipeline
}

# Outbox.append travels with the COMMIT (Transactions.atCommit)
publish_and_commit() {  # publish_and_commit EVENT_VARIABLE PAYLOAD_VARIABLE
  { stmt outbox_insert ';' "s/:type\b/:$1/; s/:payload\b/:$2/"; echo "commit;"; } | pipeline
}

# The status a task gets in a column of this kind (Task.statusOnArrival; also what a move of a task
# that is not cancelled leads to, which is why the move scripts skip the seed's cancelled tasks).
status_in() {
  case "$1" in
    done) echo completed ;;
    in_progress|review|blocked) echo in_progress ;;
    *) echo pending ;;
  esac
}

# pgbench -D options (one a line) for the strings the scripts use: pgbench's \set only holds
# numbers, and pgbench cannot bind NULL, so a nullable parameter that is NULL in the application is
# '-' here (or '' when a \gset read a NULL) and nullif(…) turns it back into NULL.
pgbench_string_vars() {
  local k
  for k in "${!COLUMN_IDS[@]}"; do
    echo "-Dst_${COLUMN_IDS[$k]}=$(status_in "${COLUMN_KINDS[$k]}")"
  done
  printf '%s\n' -Dpr_low=low -Dpr_medium=medium -Dpr_high=high -Dpr_urgent=urgent \
    -Dev_created=task_created -Dev_moved=task_moved -Dev_updated=task_updated \
    -Dnone=- "-Dmetadata={}" "-Ddescription=created by bench/wrk/create_task.lua"
}

write_pgbench_scripts() {
  local col prio
  rm -rf "$PGB_DIR" && mkdir -p "$PGB_DIR"

  {
    echo '\set id random(:min, :max)'
    view_one "$(task_row) from tasks t where t.workspace_id = :ws and t.id = :id and t.deleted_at is null" \
      task_json_columns | read_one
  } >"$PGB_DIR/get_task.sql"

  # one script per column (pgbench picks one at random per transaction, as wrk picks a column); the
  # service writes the limit and offset into the statement
  for col in "${COLUMN_IDS[@]}"; do
    {
      echo "\\set col $col"
      view_of_column "$(task_row) from tasks t where t.workspace_id = :ws and t.deleted_at is null and t.archived_at is null and t.column_id = :col order by t.column_id asc, t.position asc, t.id asc limit 100 offset 0" \
        ", ($(cat "$SQL_DIR/column_total.sql")) as total" "t.column_id asc, t.position asc, t.id asc" \
        task_json_columns | read_one
    } >"$PGB_DIR/list_column_$col.sql"
  done

  {
    stmt board_with_columns | read_one
    stmt board_counts | read_one
    view "select x.* from board_columns bc cross join lateral ($(task_row) from tasks t where t.column_id = bc.id and t.position is not null order by t.position limit 50 offset 0) x where bc.board_id = :board" \
      "" "t.column_id, t.position" | read_one
  } >"$PGB_DIR/board_state.sql"

  {
    echo "BEGIN READ ONLY;"
    { stmt bind; stmt board_with_columns; } | pipeline
    stmt stats_column_counts
    stmt stats_moment
    echo "COMMIT;"
  } >"$PGB_DIR/board_stats.sql"

  # create: one script per column and priority (run_pgbench weighs medium twice, as
  # bench/wrk/create_task.lua picks it)
  for col in "${COLUMN_IDS[@]}"; do
    for prio in low medium high urgent; do
      {
        echo "\\set col $col"
        echo '\set self 0'
        echo '\set occurrences 1'
        echo '\set title random(1, 2000000000)'
        stmt lock_placement | first_of_write
        written insert_task "s/:status\\b/:st_$col/; s/:priority\\b/:pr_$prio/"
        publish_and_commit ev_created payload_created
      } >"$PGB_DIR/create_task_${col}_$prio.sql"
    done
  done

  # move: a random seeded task that is not cancelled (every 50th is) to the end of each column
  for col in "${COLUMN_IDS[@]}"; do
    {
      echo "\\set col $col"
      echo '\set id random(:min, :max)'
      echo '\set id :id - case when (:id - :min + 1) % 50 = 0 then 1 else 0 end'
      stmt lock_placement ';' 's/:self\b/:id/' | first_of_write
      stmt lock_task
      written update_task "s/:title\\b/title/; s/:status\\b/:st_$col/; s/:pos\\b/(select coalesce(max(position), 0) + 65536 from tasks where column_id = :col and id <> :id and position is not null)/"
      publish_and_commit ev_moved payload_moved
    } >"$PGB_DIR/move_task_$col.sql"
  done

  {
    echo '\set id random(:min, :max)'
    echo '\set title random(1, 2000000000)'
    stmt lock_task | first_of_write
    written update_task 's/:col\b/column_id/; s/:pos\b/position/; s/:status\b/status/'
    publish_and_commit ev_updated payload_updated
  } >"$PGB_DIR/update_task.sql"
}
