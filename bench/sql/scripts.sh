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

# The authentication filter's two look-ups (outside any transaction): the session's user unless
# revoked, then the caller's workspace and role.
auth() {
  stmt session_user
  stmt default_workspace
}

# begin [READ ONLY]: Transactions.read / Transactions.write: BEGIN, then the request's settings.
begin() {
  echo "BEGIN${1:+ $1};"
  stmt bind
}

# TaskQueries.find: the task view and its tags.
task_view() {
  printf '%s\n where t.workspace_id = :ws and t.id = :id;\n' "$(cat "$SQL_DIR/task_select.sql")"
  stmt task_tags
}

# Tasks.publish: the task as it is now, then its event in the outbox.
publish() {  # publish EVENT_VARIABLE PAYLOAD_VARIABLE
  task_view
  stmt outbox_insert ';' "s/:type\b/:$1/; s/:payload\b/:$2/"
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
    auth
    begin "READ ONLY"
    task_view
    echo "COMMIT;"
  } >"$PGB_DIR/get_task.sql"

  # one script per column (pgbench picks one at random per transaction, as wrk picks a column)
  for col in "${COLUMN_IDS[@]}"; do
    {
      echo "\\set col $col"
      echo '\set limit 100'
      echo '\set offset 0'
      auth
      begin "READ ONLY"
      printf '%s\n where t.workspace_id = :ws and t.column_id = :col order by t.column_id asc, t.position asc, t.id asc limit :limit offset :offset;\n' \
        "$(cat "$SQL_DIR/task_select.sql")"
      stmt column_total
      stmt task_tags_any ';' "s/:ids\b/:ids100_$col/"
      echo "COMMIT;"
    } >"$PGB_DIR/list_column_$col.sql"
  done

  {
    echo '\set limit 50'
    echo '\set offset 0'
    auth
    begin "READ ONLY"
    stmt board
    stmt board_columns
    stmt board_counts
    for col in "${COLUMN_IDS[@]}"; do
      echo "\\set col $col"
      printf '%s\n where t.column_id = :col order by t.position limit :limit offset :offset;\n' "$(cat "$SQL_DIR/task_select.sql")"
      stmt task_tags_any ';' "s/:ids\b/:ids50_$col/"
    done
    echo "COMMIT;"
  } >"$PGB_DIR/board_state.sql"

  {
    auth
    begin "READ ONLY"
    stmt board
    stmt board_columns
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
        echo '\set p 9223372036854775807'
        echo '\set occurrences 1'
        echo '\set title random(1, 2000000000)'
        auth
        begin
        stmt board
        stmt board_columns
        stmt lock_column
        stmt last_position '\gset p_'
        echo '\set pos :p_max + 65536'
        stmt insert_task '\gset new_' "s/:status\b/:st_$col/; s/:priority\b/:pr_$prio/"
        echo '\set id :new_id'
        publish ev_created payload_created
        echo "COMMIT;"
      } >"$PGB_DIR/create_task_${col}_$prio.sql"
    done
  done

  # move: a random seeded task that is not cancelled (every 50th is) to the end of each column
  for col in "${COLUMN_IDS[@]}"; do
    {
      echo "\\set col $col"
      echo '\set p 9223372036854775807'
      echo '\set id random(:min, :max)'
      echo '\set id :id - case when (:id - :min + 1) % 50 = 0 then 1 else 0 end'
      auth
      begin "READ ONLY"
      stmt task_row
      echo "COMMIT;"
      begin "READ ONLY"
      stmt board
      stmt board_columns
      echo "COMMIT;"
      begin
      stmt lock_column
      stmt task_row '\gset t_' 's/:id$/:id for update/'
      stmt last_position '\gset p_' 's/:self\b/:id/'
      echo '\set pos :p_max + 65536'
      stmt update_task ';' "s/:title\b/:t_title/; s/:status\b/:st_$col/"
      publish ev_moved payload_moved
      echo "COMMIT;"
    } >"$PGB_DIR/move_task_$col.sql"
  done

  {
    echo '\set id random(:min, :max)'
    echo '\set title random(1, 2000000000)'
    auth
    begin "READ ONLY"
    stmt task_row
    echo "COMMIT;"
    begin
    stmt task_row '\gset t_' 's/:id$/:id for update/'
    stmt update_task ';' 's/:col\b/:t_column_id/; s/:pos\b/:t_position/; s/:status\b/:t_status/'
    publish ev_updated payload_updated
    echo "COMMIT;"
  } >"$PGB_DIR/update_task.sql"
}
