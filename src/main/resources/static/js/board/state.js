// The board's state as loaded from the API: columns in order, the loaded tasks of each, per-column
// paging and counts, and how a task as the server now has it goes into that state.
import { get, query } from '../api.js';
import { isActive, toQuery } from '../filter.js';
import { breakdownKey } from '../breakdown.js';

export const PAGE = 50;
const MAX_PER_COLUMN_POLL = 200;
const FILTER_LIMIT = 500;

/** Methods of BoardView (mixed in by ../board.js); `this` is the view. */
export class BoardState {
  /** Loads (or reloads) the board state; with `announce`, cards changed since the last load flash. */
  async load({ announce = false } = {}) {
    const before = new Map(Array.from(this.tasks, ([id, t]) => [id, t.version]));
    const maxLoaded = Math.max(PAGE, ...this.columns.map((c) => c.tasks.length));
    const perColumn = isActive(this.filter) ? 1 : Math.min(MAX_PER_COLUMN_POLL, maxLoaded);
    const state = await get(`/api/v1/boards/${this.boardId}/tasks${query({ per_column: perColumn })}`);
    let filtered = null;
    if (isActive(this.filter)) {
      filtered = await get(`/api/v1/tasks${query({ board_id: this.boardId, sort: 'position', limit: FILTER_LIMIT, ...toQuery(this.filter) })}`);
    }
    if (this.destroyed) return;
    this.board = { id: state.id, name: state.name, description: state.description, version: state.version };
    this.tasks = new Map();
    this.columns = state.columns.map((c) => ({
      id: c.id, name: c.name, kind: c.kind, position: c.position, wip_limit: c.wip_limit,
      task_count: c.task_count, has_more: filtered ? false : c.has_more, tasks: [],
    }));
    const all = filtered ? filtered.items : state.columns.flatMap((c) => c.tasks);
    for (const t of all) {
      const col = this.column(t.column_id);
      if (!col) continue;
      this.tasks.set(t.id, t);
      col.tasks.push(t.id);
    }
    this.filteredTotal = filtered ? filtered.total : 0;
    this.onBoardMeta?.(this.board);
    this.render();
    if (announce && before.size) {
      const changed = all.filter((t) => !before.has(t.id) || before.get(t.id) < t.version);
      if (changed.length) this.announce(changed);
    }
  }

  /** Time in column per task and each column's colour scale: the server's rule, for listed and unlisted cards alike. */
  async loadTimes() {
    try {
      const times = await get(`/api/v1/stats/time-in-column${query({ board_id: this.boardId })}`);
      this.colors = new Map();
      this.columnTimes = new Map();
      for (const c of times.columns) {
        this.columnTimes.set(c.column_id, c.color_scale);
        for (const t of c.tasks) this.colors.set(t.task_id, t.status_color);
      }
      if (!this.destroyed) this.render();
    } catch {
      // colours are a nicety: the board works without them
    }
  }

  async showMore(columnId) {
    const col = this.column(columnId);
    const state = await get(`/api/v1/boards/${this.boardId}/tasks${query({ column_id: columnId, offset: col.tasks.length, per_column: PAGE })}`);
    const fresh = state.columns[0];
    for (const t of fresh.tasks) {
      if (this.tasks.has(t.id)) continue;
      this.tasks.set(t.id, t);
      col.tasks.push(t.id);
    }
    col.task_count = fresh.task_count;
    col.has_more = fresh.has_more;
    this.render();
  }

  /**
   * Puts a task as the server now has it into the state: into its column at its position (when that
   * falls inside the loaded part), out of its old column, counts adjusted. What is not newer than the
   * state (see `stale`) is ignored. Answers false when the state cannot tell where it came from (the
   * caller reloads).
   */
  upsert(task, { created = false } = {}) {
    const known = this.tasks.get(task.id);
    if (known && stale(known, task)) return true;
    const target = this.column(task.column_id);
    if (!target) return false;
    if (known) {
      const from = this.column(known.column_id);
      if (from) {
        from.tasks = from.tasks.filter((id) => id !== task.id);
        if (from !== target) {
          from.task_count = Math.max(0, from.task_count - 1);
          target.task_count += 1;
          this.colors.delete(task.id); // its colour was for the old column: the rule recomputes it
        }
      }
    } else if (created) {
      target.task_count += 1;
    } else {
      return false; // moved or changed from somewhere this page has not loaded: counts unknown
    }
    if (isActive(this.filter)) return false; // whether it matches is the server's call
    this.tasks.set(task.id, task);
    const ids = target.tasks;
    const at = ids.findIndex((id) => this.tasks.get(id).position > task.position);
    if (at >= 0) ids.splice(at, 0, task.id);
    else if (!target.has_more) ids.push(task.id);
    else this.tasks.delete(task.id); // beyond the loaded part: "show more" will bring it
    return true;
  }

  remove(taskId, columnId) {
    const col = this.column(columnId ?? this.tasks.get(taskId)?.column_id);
    // a task the state does not hold is already gone from its counts, unless it was beyond the loaded part
    if (col && (this.tasks.has(taskId) || col.has_more)) {
      col.tasks = col.tasks.filter((id) => id !== taskId);
      col.task_count = Math.max(0, col.task_count - 1);
    }
    this.tasks.delete(taskId);
    this.cards.delete(taskId);
  }

  /**
   * A change this page made: the server's answer goes into the state without a flash. With `since`
   * (the eventSeq when the request was sent), a live event for the task that arrived meanwhile wins:
   * events come in commit order and carry this change too, while the answer may be older than a
   * change someone made right after it (a reorder keeps the version, so versions cannot tell).
   */
  applyOwn(task, { since } = {}) {
    if (since != null && (this.eventAt.get(task.id) ?? 0) > since) {
      this.render();
      return Promise.resolve();
    }
    if (!this.upsert(task)) return this.load();
    this.render();
    return Promise.resolve();
  }
}

/**
 * Whether `task` (from an event or an answer) says nothing new about a task the state has as `known`:
 * an older version, or the same version in the same place. Reordering within a column does not change
 * a task's version (it is not an edit, so it does not make anyone's pending edit stale), so for the
 * same version a different position is news.
 */
export function stale(known, task) {
  // relations change a card's breakdown (blocked, progress) without a new version of the task
  return known.version > task.version
    || (known.version === task.version && known.column_id === task.column_id && known.position === task.position
      && breakdownKey(known) === breakdownKey(task));
}
