// The board: its state as loaded from the API (columns in order, the first tasks of each, per-column
// paging), rendering with one element per card kept across renders, drag and drop with SortableJS,
// a keyboard alternative for moving, quick-add, inline title edit, and applying changes made elsewhere.
import Sortable from '/webjars/sortablejs/modular/sortable.esm.js';
import { get, post, patch, query, ApiError } from './api.js';
import { h, $, $$, textOn, isColor, duration } from './dom.js';
import { toast } from './ui.js';
import { isActive, toQuery } from './filter.js';
import { breakdownBadges, breakdownKey } from './breakdown.js';

export const PAGE = 50;
const MAX_PER_COLUMN_POLL = 200;
const FILTER_LIMIT = 500;
const FLASH_MS = 4000;
const OPEN_DELAY_MS = 220;

export class BoardView {
  /**
   * @param root        the element the columns go into
   * @param boardId     the board shown
   * @param canEdit     false for viewers: no drag, no quick-add, no inline edit
   * @param filter      {q, priority, epic, assignee, tag, overdue}
   * @param onOpenCard  (taskId) => void
   * @param onTaskChanged (task, {actor, deleted}) => void, for a change made elsewhere
   * @param onBoardMeta (board) => void, name/version/total changes
   */
  constructor(root, { boardId, canEdit, filter, onOpenCard, onTaskChanged, onBoardMeta }) {
    Object.assign(this, { root, boardId, canEdit, filter, onOpenCard, onTaskChanged, onBoardMeta });
    this.board = null;
    this.columns = [];
    this.tasks = new Map();
    this.colors = new Map();
    this.columnTimes = new Map();
    this.cards = new Map();
    this.flashes = new Map();
    this.sortables = [];
    this.holds = 0;
    this.renderQueued = false;
    this.moving = null;
    this.lastDragEnd = 0;
    this.eventSeq = 0; // counts task events applied, so a move's answer can tell whether events overtook it
    this.eventAt = new Map(); // task id -> eventSeq of the last event applied to it
    this.filteredTotal = 0;
    this.destroyed = false;
  }

  destroy() {
    this.destroyed = true;
    this.sortables.forEach((s) => s.destroy());
    this.root.replaceChildren();
  }

  get totalTasks() {
    return this.columns.reduce((n, c) => n + c.task_count, 0);
  }

  column(id) {
    return this.columns.find((c) => c.id === id);
  }

  // ---- loading -------------------------------------------------------------------------------

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

  /** Time in column per task (the server's colour rule); tasks it does not list are coloured by the same rule. */
  async loadTimes() {
    try {
      const times = await get(`/api/v1/stats/time-in-column${query({ board_id: this.boardId })}`);
      this.colors = new Map();
      this.columnTimes = new Map();
      for (const c of times.columns) {
        this.columnTimes.set(c.column_id, { kind: c.kind, mean: c.mean_seconds, stdev: c.stdev_seconds });
        for (const t of c.tasks) this.colors.set(t.task_id, t.status_color);
      }
      if (!this.destroyed) this.render();
    } catch {
      // colours are a nicety: the board works without them
    }
  }

  /** Flashes changed cards and names who changed them (from the board's activity). */
  async announce(changed) {
    changed.forEach((t) => this.flash(t.id, null));
    const since = changed.map((t) => Date.parse(t.updated_at)).filter(Number.isFinite);
    if (!since.length) return;
    try {
      const activity = await get(`/api/v1/boards/${this.boardId}/activity${query({
        since: new Date(Math.min(...since) - 2000).toISOString(), limit: 100 })}`);
      const actors = new Map();
      for (const item of activity.items) if (!actors.has(item.task_id)) actors.set(item.task_id, item.actor);
      changed.forEach((t) => {
        const actor = actors.get(t.id);
        if (actor) this.flash(t.id, actor);
        this.onTaskChanged?.(t, { actor });
      });
    } catch {
      changed.forEach((t) => this.onTaskChanged?.(t, {}));
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

  // ---- applying changes ------------------------------------------------------------------------

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

  /**
   * A board event from the live connection. Task events carry the whole task; the others are cheap
   * to apply or cause a reload of the state. Answers a promise when it had to reload.
   */
  applyEvent(e) {
    const data = e.data || {};
    const task = data.task;
    switch (e.event) {
      case 'task_created':
      case 'task_updated':
      case 'task_moved':
      case 'task_claimed':
      case 'task_released':
      case 'task_completed': {
        this.eventAt.set(task.id, ++this.eventSeq);
        // an event for a state already shown (the page loaded after the change, or a replay) changes nothing
        const known = this.tasks.get(task.id);
        if (known && stale(known, task)) return null;
        const ok = this.upsert(task, { created: e.event === 'task_created' });
        this.flash(task.id, e.actor);
        this.onTaskChanged?.(task, { actor: e.actor });
        if (!ok) return this.load();
        this.render();
        return null;
      }
      case 'task_deleted':
        this.remove(task.id, task.column_id);
        this.onTaskChanged?.(task, { actor: e.actor, deleted: true });
        this.render();
        return null;
      case 'comment_added':
      case 'comment_deleted': {
        const t = this.tasks.get(data.task_id);
        if (t) {
          this.tasks.set(t.id, { ...t, comment_count: Math.max(0, t.comment_count + (e.event === 'comment_added' ? 1 : -1)) });
          this.cards.delete(t.id);
          this.flash(t.id, e.actor);
          this.render();
        }
        return null;
      }
      case 'tags_changed': {
        const t = this.tasks.get(data.task_id);
        if (t) {
          this.tasks.set(t.id, { ...t, tags: data.tags });
          this.cards.delete(t.id);
          this.flash(t.id, e.actor);
          this.render();
        }
        return null;
      }
      case 'board_updated':
        this.board = { ...this.board, name: data.name, description: data.description, version: data.version };
        this.onBoardMeta?.(this.board);
        return this.load();
      case 'board_created': // the board being shown exists already
      case 'comment_updated':
      case 'evidence_added':
      case 'evidence_deleted':
        return null;
      case 'hints_available': // the card panel shows hints; the board shows none
        this.onHints?.(data);
        return null;
      default: // columns_updated, bulk_update, and anything newer: reload what is shown
        return this.load();
    }
  }

  flash(taskId, actor) {
    this.flashes.set(taskId, { actor, until: Date.now() + FLASH_MS });
    const el = this.cards.get(taskId)?.el;
    if (el) this.decorateFlash(el, taskId);
    setTimeout(() => {
      const f = this.flashes.get(taskId);
      if (f && f.until <= Date.now()) {
        this.flashes.delete(taskId);
        const card = this.cards.get(taskId)?.el;
        if (card) this.decorateFlash(card, taskId);
      }
    }, FLASH_MS + 50);
  }

  decorateFlash(el, taskId) {
    const f = this.flashes.get(taskId);
    const live = f && f.until > Date.now();
    el.classList.toggle('flash', !!live);
    el.querySelector('.card-actor')?.remove();
    if (live && f.actor) el.append(h('span', { class: 'card-actor', title: `changed by ${f.actor}` }, f.actor));
  }

  // ---- rendering -------------------------------------------------------------------------------

  /** Renders now, or after the drag / move / inline edit that holds the board still. */
  render() {
    if (this.holds > 0) {
      this.renderQueued = true;
      return;
    }
    this.renderQueued = false;
    const existing = new Map($$(':scope > .column', this.root).map((el) => [Number(el.dataset.columnId), el]));
    const wanted = this.columns.map((col) => {
      const el = existing.get(col.id) || this.columnElement(col);
      existing.delete(col.id);
      this.fillColumn(el, col);
      return el;
    });
    existing.forEach((el) => el.remove());
    wanted.forEach((el, i) => {
      if (this.root.children[i] !== el) this.root.insertBefore(el, this.root.children[i] || null);
    });
    if (!this.columns.length) this.root.append(h('p', { class: 'empty' }, 'This board has no columns.'));
    const notice = $('#filter-notice');
    if (notice) {
      const shown = this.columns.reduce((n, c) => n + c.tasks.length, 0);
      notice.textContent = isActive(this.filter)
        ? `${shown} matching card${shown === 1 ? '' : 's'}${this.filteredTotal > shown ? ` (first ${shown} of ${this.filteredTotal})` : ''}`
        : '';
    }
  }

  hold() {
    this.holds += 1;
  }

  release() {
    this.holds = Math.max(0, this.holds - 1);
    if (!this.holds && this.renderQueued) this.render();
  }

  columnElement(col) {
    const list = h('ol', { class: 'cards', dataset: { columnId: col.id } });
    const el = h('section', { class: 'column', dataset: { columnId: col.id } });
    el.append(
      h('header', { class: 'column-header' },
        h('h2', { class: 'column-name' }),
        h('span', { class: 'column-count' }),
        this.canEdit ? h('button', { type: 'button', class: 'icon add-card', on: { click: () => this.openQuickAdd(el) } }, '+') : null),
      this.canEdit ? this.quickAddForm(el) : '',
      list,
      h('button', { type: 'button', class: 'show-more link', hidden: true,
        on: { click: () => this.showMore(Number(el.dataset.columnId)).catch((e) => toast(e.explanation || e.message, 'error')) } }));
    if (this.canEdit) this.sortables.push(this.sortable(list));
    return el;
  }

  fillColumn(el, col) {
    el.dataset.kind = col.kind;
    const name = $('.column-name', el);
    name.textContent = col.name;
    const count = $('.column-count', el);
    const reached = col.wip_limit != null && col.task_count >= col.wip_limit;
    count.textContent = col.wip_limit != null ? `${col.task_count}/${col.wip_limit}` : String(col.task_count);
    count.classList.toggle('wip-reached', reached);
    count.title = col.wip_limit != null
      ? `${col.task_count} cards, WIP limit ${col.wip_limit}${reached ? ' (reached)' : ''}`
      : `${col.task_count} cards`;
    el.classList.toggle('wip-full', reached);
    const add = $('.add-card', el);
    if (add) add.setAttribute('aria-label', `Add a card to ${col.name}`);
    const list = $('.cards', el);
    list.setAttribute('aria-label', `${col.name} cards`);
    const cards = col.tasks.map((id) => this.cardElement(this.tasks.get(id)));
    const keep = new Set(cards);
    $$(':scope > .card', list).forEach((c) => { if (!keep.has(c)) c.remove(); });
    cards.forEach((card, i) => {
      if (list.children[i] !== card) list.insertBefore(card, list.children[i] || null);
    });
    const more = $('.show-more', el);
    const left = col.task_count - col.tasks.length;
    more.hidden = !col.has_more;
    more.textContent = `Show more (${left} more)`;
  }

  colorOf(task) {
    const col = this.column(task.column_id);
    if (!col || col.kind === 'backlog' || col.kind === 'done') return 'normal';
    const known = this.colors.get(task.id);
    if (known) return known;
    const stats = this.columnTimes.get(task.column_id);
    if (!stats || !(stats.stdev > 0)) return 'good';
    const z = (task.time_in_column_seconds - stats.mean) / stats.stdev;
    return z > 2 ? 'critical' : z > 1 ? 'warning' : 'good';
  }

  cardElement(task) {
    const color = this.colorOf(task);
    const key = `${task.version}|${task.comment_count}|${(task.tags || []).map((t) => t.name + t.color).join()}|${breakdownKey(task)}`;
    const cached = this.cards.get(task.id);
    if (cached && cached.key === key) {
      const age = cached.el.querySelector('.age');
      if (age && !age.classList.contains(`age-${color}`)) age.className = `age age-${color}`;
      return cached.el;
    }
    const tags = (task.tags || []).map((t) => {
      const tag = h('span', { class: 'tag' }, t.name);
      if (isColor(t.color)) {
        tag.style.setProperty('background-color', t.color);
        tag.style.setProperty('color', textOn(t.color));
      }
      return tag;
    });
    const due = task.due_date
      ? h('span', { class: ['due', task.overdue && 'overdue'], title: task.overdue ? 'Overdue' : 'Due date' },
        task.overdue ? `Overdue ${new Date(task.due_date).toLocaleDateString()}` : `Due ${new Date(task.due_date).toLocaleDateString()}`)
      : null;
    const el = h('li', {
      class: ['card', `priority-${task.priority}`, task.status === 'completed' && 'completed', task.status === 'cancelled' && 'cancelled'],
      tabindex: 0, dataset: { taskId: task.id }, 'aria-label': `${task.title}, ${task.priority} priority`,
    },
    h('div', { class: 'card-top' },
      h('span', { class: 'card-title' }, task.title),
      this.canEdit ? h('button', { type: 'button', class: 'icon card-edit', 'aria-label': 'Edit title', title: 'Edit title' }, '✎') : null),
    tags.length ? h('div', { class: 'card-tags' }, tags) : null,
    h('div', { class: 'card-meta' },
      h('span', { class: ['priority', `priority-${task.priority}`] }, task.priority),
      task.assignee ? h('span', { class: 'assignee', title: 'Assignee' }, `@${task.assignee}`) : null,
      due,
      breakdownBadges(task),
      task.comment_count ? h('span', { class: 'comments' }, `${task.comment_count} comment${task.comment_count === 1 ? '' : 's'}`) : null,
      h('span', { class: ['age', `age-${color}`], title: `In this column for ${duration(task.time_in_column_seconds)}` },
        duration(task.time_in_column_seconds))));
    this.wireCard(el, task.id);
    this.cards.set(task.id, { key, el });
    if (cached && cached.el === document.activeElement) queueMicrotask(() => el.focus()); // keep the keyboard user's place
    this.decorateFlash(el, task.id);
    if (this.moving && this.moving.id === task.id) el.classList.add('moving');
    return el;
  }

  wireCard(el, taskId) {
    let openTimer = null;
    el.addEventListener('click', (e) => {
      if (Date.now() - this.lastDragEnd < 300 || el.classList.contains('editing')) return;
      if (e.target.closest('.card-edit')) {
        this.editTitle(taskId);
        return;
      }
      clearTimeout(openTimer);
      openTimer = setTimeout(() => this.onOpenCard(taskId), OPEN_DELAY_MS);
    });
    el.addEventListener('dblclick', (e) => {
      if (!this.canEdit || !e.target.closest('.card-title')) return;
      clearTimeout(openTimer);
      this.editTitle(taskId);
    });
    el.addEventListener('keydown', (e) => this.cardKey(e, taskId));
  }

  // ---- quick add -----------------------------------------------------------------------------

  quickAddForm(columnEl) {
    const input = h('input', { type: 'text', name: 'title', maxlength: 500, placeholder: 'Card title, then Enter', autocomplete: 'off',
      'aria-label': 'New card title' });
    const form = h('form', { class: 'quick-add', hidden: true }, input,
      h('div', { class: 'quick-add-actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Add'),
        h('button', { type: 'button', on: { click: () => { form.hidden = true; } } }, 'Cancel')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const title = input.value.trim();
      if (!title) return;
      input.disabled = true;
      try {
        const task = await post('/api/v1/tasks', { board_id: this.boardId, column_id: Number(columnEl.dataset.columnId), title, position: 0 });
        input.value = '';
        this.upsert(task, { created: true });
        if (isActive(this.filter)) await this.load();
        else this.render();
      } catch (err) {
        toast(`Card not added: ${err.explanation || err.message}`, 'error');
      } finally {
        input.disabled = false;
        input.focus();
      }
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') form.hidden = true;
    });
    return form;
  }

  openQuickAdd(columnEl) {
    const form = $('.quick-add', columnEl);
    form.hidden = false;
    $('input', form).focus();
  }

  // ---- inline title edit -----------------------------------------------------------------------

  editTitle(taskId) {
    const task = this.tasks.get(taskId);
    const card = this.cards.get(taskId)?.el;
    if (!task || !card || !this.canEdit || card.classList.contains('editing')) return;
    const title = $('.card-title', card);
    const input = h('input', { type: 'text', class: 'card-title-input', value: task.title, maxlength: 500, 'aria-label': 'Card title' });
    card.classList.add('editing');
    title.replaceWith(input);
    input.focus();
    input.select();
    this.hold();
    let done = false;
    const finish = async (save) => {
      if (done) return;
      done = true;
      const value = input.value.trim();
      card.classList.remove('editing');
      input.replaceWith(title);
      if (save && value && value !== task.title) {
        title.textContent = value;
        try {
          const updated = await patch(`/api/v1/tasks/${taskId}`, { title: value }, { ifMatch: task.version });
          this.release();
          await this.applyOwn(updated);
        } catch (err) {
          this.release();
          title.textContent = task.title;
          if (err instanceof ApiError && err.status === 412) {
            toast('Not saved: this card was changed elsewhere meanwhile. It now shows the latest version.', 'error');
            await this.load();
          } else {
            toast(`Title not saved: ${err.explanation || err.message}`, 'error');
          }
        }
      } else {
        this.release();
      }
      this.focusCard(taskId);
    };
    input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') finish(true);
      if (e.key === 'Escape') finish(false);
    });
    input.addEventListener('blur', () => finish(true));
    input.addEventListener('click', (e) => e.stopPropagation());
  }

  focusCard(taskId) {
    this.cards.get(taskId)?.el?.focus();
  }

  // ---- moving: drag and drop, keyboard -------------------------------------------------------

  sortable(list) {
    return Sortable.create(list, {
      group: 'cards',
      draggable: '.card',
      filter: '.card-title-input, .card-edit',
      preventOnFilter: false,
      animation: 120,
      forceFallback: true, // pointer events everywhere: same behaviour with mouse, touch and automation
      fallbackTolerance: 4,
      delayOnTouchOnly: true,
      delay: 180,
      ghostClass: 'card-ghost',
      chosenClass: 'card-chosen',
      dragClass: 'card-drag',
      onStart: () => this.hold(),
      onEnd: (evt) => {
        this.lastDragEnd = Date.now();
        const taskId = Number(evt.item.dataset.taskId);
        if (evt.from === evt.to && evt.oldIndex === evt.newIndex) {
          this.release();
          return;
        }
        this.commitMove(taskId, evt.item).finally(() => this.release());
      },
    });
  }

  /** Sends the move the DOM shows for `item` (its column and its neighbour); refused → back where it was. */
  async commitMove(taskId, item) {
    const list = item.closest('.cards');
    const columnId = Number(list.dataset.columnId);
    const body = { column_id: columnId };
    const prev = item.previousElementSibling?.closest('.card');
    const next = item.nextElementSibling?.closest('.card');
    if (prev) body.after_id = Number(prev.dataset.taskId);
    else if (next) body.before_id = Number(next.dataset.taskId);
    else body.position = 0;
    this.hold();
    const since = this.eventSeq;
    try {
      const task = await post(`/api/v1/tasks/${taskId}/move`, body);
      this.release();
      await this.applyOwn(task, { since });
      return true;
    } catch (err) {
      this.release();
      toast(`Move refused: ${err.explanation || err.message}`, 'error');
      this.snapBack();
      return false;
    }
  }

  /** Puts every card back where the state says it is. */
  snapBack() {
    this.cards.forEach((c) => { if (!this.tasks.has(Number(c.el.dataset.taskId))) c.el.remove(); });
    this.render();
  }

  cardKey(e, taskId) {
    if (e.target !== e.currentTarget) return;
    const card = e.currentTarget;
    if (this.moving) {
      this.moveKey(e, card);
      return;
    }
    const key = e.key;
    if (key === 'Enter' || key === ' ') {
      e.preventDefault();
      this.onOpenCard(taskId);
    } else if ((key === 'm' || key === 'M') && this.canEdit) {
      e.preventDefault();
      this.startKeyboardMove(taskId, card);
    } else if ((key === 'F2' || key === 'e') && this.canEdit) {
      e.preventDefault();
      this.editTitle(taskId);
    } else if (key === 'ArrowDown' || key === 'ArrowUp') {
      e.preventDefault();
      const sibling = key === 'ArrowDown' ? card.nextElementSibling : card.previousElementSibling;
      sibling?.focus();
    } else if (key === 'ArrowLeft' || key === 'ArrowRight') {
      e.preventDefault();
      const column = card.closest('.column');
      const other = key === 'ArrowRight' ? column.nextElementSibling : column.previousElementSibling;
      $('.card', other || column)?.focus();
    }
  }

  startKeyboardMove(taskId, card) {
    this.moving = { id: taskId, list: card.parentElement, next: card.nextElementSibling };
    card.classList.add('moving');
    card.setAttribute('aria-grabbed', 'true');
    this.hold();
    announce('Moving card. Arrow keys move it, Enter drops it here, Escape cancels.');
  }

  moveKey(e, card) {
    e.preventDefault();
    const list = card.parentElement;
    switch (e.key) {
      case 'ArrowUp':
        if (card.previousElementSibling) list.insertBefore(card, card.previousElementSibling);
        break;
      case 'ArrowDown':
        if (card.nextElementSibling) list.insertBefore(card.nextElementSibling, card);
        break;
      case 'ArrowLeft':
      case 'ArrowRight': {
        const column = list.closest('.column');
        const other = e.key === 'ArrowRight' ? column.nextElementSibling : column.previousElementSibling;
        if (other) {
          const target = $('.cards', other);
          const index = Math.min(Array.from(list.children).indexOf(card), target.children.length);
          target.insertBefore(card, target.children[index] || null);
        }
        break;
      }
      case 'Enter':
      case ' ':
      case 'm':
      case 'M':
        this.endKeyboardMove(card, true);
        return;
      case 'Escape':
        this.endKeyboardMove(card, false);
        return;
      default:
        return;
    }
    card.focus();
    const column = this.column(Number(card.closest('.cards').dataset.columnId));
    announce(`${column ? column.name : ''}, position ${Array.from(card.parentElement.children).indexOf(card) + 1}`);
  }

  async endKeyboardMove(card, commit) {
    const { id, list, next } = this.moving;
    this.moving = null;
    card.classList.remove('moving');
    card.removeAttribute('aria-grabbed');
    const moved = card.parentElement !== list || card.nextElementSibling !== next;
    if (commit && moved) {
      await this.commitMove(id, card);
      this.release();
      announce('Card moved.');
    } else {
      this.release();
      this.snapBack();
      announce(commit ? 'Card not moved.' : 'Move cancelled.');
    }
    this.focusCard(id);
  }

  /** Moves a card through the API to the top or the bottom of a column (the card panel's "Move to"). */
  async moveTo(taskId, columnId, where) {
    const body = { column_id: columnId };
    const col = this.column(columnId);
    const others = col ? col.tasks.filter((id) => id !== taskId) : [];
    if (where === 'top') body.position = 0;
    else if (col && !col.has_more && others.length) body.after_id = others[others.length - 1];
    const since = this.eventSeq;
    try {
      const task = await post(`/api/v1/tasks/${taskId}/move`, body);
      await this.applyOwn(task, { since });
      return task;
    } catch (err) {
      toast(`Move refused: ${err.explanation || err.message}`, 'error');
      return null;
    }
  }
}

/**
 * Whether `task` (from an event or an answer) says nothing new about a task the state has as `known`:
 * an older version, or the same version in the same place. Reordering within a column does not change
 * a task's version (it is not an edit, so it does not make anyone's pending edit stale), so for the
 * same version a different position is news.
 */
function stale(known, task) {
  // relations change a card's breakdown (blocked, progress) without a new version of the task
  return known.version > task.version
    || (known.version === task.version && known.column_id === task.column_id && known.position === task.position
      && breakdownKey(known) === breakdownKey(task));
}

/** Says something to screen-reader users (the live region). */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (region) region.textContent = text;
}
