// Rendering: one element per column and per card, kept across renders; a render waits while a drag,
// a keyboard move or an inline edit holds the board still.
import { cardFields } from '../fields.js';
import { h, $, $$, textOn, isColor, duration, dueLabel } from '../dom.js';
import { toast } from '../ui.js';
import { isActive } from '../filter.js';
import { breakdownBadges, breakdownKey } from '../breakdown.js';

const OPEN_DELAY_MS = 220;

/** Methods of BoardView (mixed in by ../board.js); `this` is the view. */
export class BoardRender {
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
    // over: the limit was lowered below what the column holds (moves in are refused until it is back under)
    const over = reached && col.task_count > col.wip_limit;
    count.textContent = col.wip_limit != null ? `${col.task_count}/${col.wip_limit}` : String(col.task_count);
    count.classList.toggle('wip-reached', reached);
    count.classList.toggle('wip-over', over);
    count.title = col.wip_limit != null
      ? `${col.task_count} cards, WIP limit ${col.wip_limit}${over ? ` (over by ${col.task_count - col.wip_limit})` : reached ? ' (reached)' : ''}`
      : `${col.task_count} cards`;
    el.classList.toggle('wip-full', reached);
    el.classList.toggle('wip-over', over);
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

  /** The card's colour: the server's, or its column's scale applied to the card's time in the column. */
  colorOf(task) {
    const known = this.colors.get(task.id);
    if (known) return known;
    const scale = this.columnTimes.get(task.column_id);
    if (!scale) return 'normal';
    const t = task.time_in_column_seconds;
    if (scale.critical_after_seconds != null && t > scale.critical_after_seconds) return 'critical';
    if (scale.warning_after_seconds != null && t > scale.warning_after_seconds) return 'warning';
    return scale.base;
  }

  cardElement(task) {
    const color = this.colorOf(task);
    const key = `${task.version}|${task.comment_count}|${(task.tags || []).map((t) => t.name + t.color).join()}|${breakdownKey(task)}|${JSON.stringify(task.fields || {})}`;
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
        `${task.overdue ? 'Overdue' : 'Due'} ${dueLabel(task.due_date)}`)
      : null;
    const el = h('li', {
      class: ['card', `priority-${task.priority}`, task.status === 'completed' && 'completed', task.status === 'cancelled' && 'cancelled'],
      tabindex: 0, dataset: { taskId: task.id }, 'aria-label': `${task.title}, ${task.priority} priority`,
    },
    h('div', { class: 'card-top' },
      h('span', { class: 'card-title' }, task.title),
      this.canEdit ? h('button', { type: 'button', class: 'icon card-edit', 'aria-label': 'Edit title', title: 'Edit title' }, '✎') : null),
    tags.length ? h('div', { class: 'card-tags' }, tags) : null,
    cardFields(this.fields || [], task),
    h('div', { class: 'card-meta' },
      h('span', { class: ['priority', `priority-${task.priority}`] }, task.priority),
      task.assignees?.length > 1
        ? h('span', { class: 'assignee', title: 'Assignees' }, task.assignees.map((a) => `@${a}`).join(' '))
        : task.assignee ? h('span', { class: 'assignee', title: 'Assignee' }, `@${task.assignee}`) : null,
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
}
