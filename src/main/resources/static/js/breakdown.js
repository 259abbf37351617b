// Work breakdown on the web board (issue 14): the card's badges (blocked, checklist and subtask
// progress) and the card panel's section for blockers, subtasks, relations and the checklist. Every
// change goes through the API; a checklist change is a new version of the task, which the panel and
// the board take over from the answer.
import Sortable from '/webjars/sortablejs/modular/sortable.esm.js';
import { get, post, del, api, query } from './api.js';
import { h, options, fill } from './dom.js';
import { toast } from './ui.js';

const RELATION_KINDS = [
  ['blocked_by', 'is blocked by'], ['blocks', 'blocks'], ['child', 'has subtask'], ['parent', 'is a subtask of'],
  ['relates_to', 'relates to'], ['duplicate_of', 'duplicates'],
];

/** What of the breakdown a card shows; part of the card's cache key (blocked changes without a new version). */
export function breakdownKey(task) {
  const b = (task.blockers || []).map((x) => x.id).join(',');
  const c = task.checklist || {};
  const s = task.subtasks || {};
  return `${task.blocked ? 'B' : ''}${b}|${c.done}/${c.total}|${s.done}/${s.total}`;
}

/** The card's badges: blocked (naming the blockers), checklist progress and subtask progress. */
export function breakdownBadges(task) {
  const badges = [];
  if (task.blocked) {
    const names = (task.blockers || []).map((b) => `#${b.id} ${b.title}`).join(', ');
    badges.push(h('span', { class: 'badge blocked-badge', title: `Blocked by ${names}` }, '⛔ blocked'));
  }
  const c = task.checklist;
  if (c && c.total) {
    badges.push(h('span', { class: ['badge', 'checklist-badge', c.done === c.total && 'complete'], title: 'Checklist items done' },
      `☑ ${c.done}/${c.total}`));
  }
  const s = task.subtasks;
  if (s && s.total) {
    badges.push(h('span', { class: ['badge', 'subtask-badge', s.done === s.total && 'complete'], title: 'Subtasks done' },
      `${s.total} subtask${s.total === 1 ? '' : 's'} (${s.done} done)`));
  }
  return badges;
}

/** The card panel's breakdown section. `panel` is the CardPanel (its task, board and role). */
export class BreakdownSection {
  constructor(panel) {
    this.panel = panel;
    this.el = h('section', { class: 'panel-section breakdown-section' }, h('h3', {}, 'Breakdown'), h('p', { class: 'muted' }, 'Loading…'));
  }

  get task() {
    return this.panel.task;
  }

  async load() {
    const id = this.task.id;
    let relations;
    let checklist;
    try {
      [relations, checklist] = await Promise.all([get(`/api/v1/tasks/${id}/relations`), get(`/api/v1/tasks/${id}/checklist`)]);
    } catch (err) {
      this.el.replaceChildren(h('h3', {}, 'Breakdown'), h('p', { class: 'muted' }, `Not loaded: ${err.explanation || err.message}`));
      return;
    }
    if (!this.task || this.task.id !== id) return;
    this.render(relations, checklist);
  }

  render(relations, checklist) {
    const canEdit = this.panel.canEdit;
    const link = (t) => h('a', { href: `#task-${t.id}`, class: 'task-link', on: { click: (e) => { e.preventDefault(); this.panel.open(t.id); } } },
      `#${t.id} ${t.title}`);
    const blockers = relations.blockers.length
      ? h('div', { class: 'blockers' }, h('strong', {}, 'Blocked by '), relations.blockers.map((b, i) => [i ? ', ' : '', link(b)]))
      : null;
    const others = relations.items.filter((r) => r.kind !== 'child');
    const relationList = h('ul', { class: 'relation-list' }, others.map((r) => h('li', { dataset: { relationKind: r.kind, taskId: r.task.id } },
      h('span', { class: 'relation-kind' }, r.kind.replace('_', ' ')), ' ', link(r.task), ` (${r.task.status.replace('_', ' ')})`,
      canEdit ? h('button', { type: 'button', class: 'icon remove-relation', 'aria-label': `Remove ${r.kind} #${r.task.id}`,
        on: { click: () => this.removeRelation(r) } }, '×') : null)));
    const children = relations.items.filter((r) => r.kind === 'child');
    const subtasks = h('div', { class: 'subtasks' },
      h('h4', {}, `Subtasks (${children.filter((c) => c.task.status === 'completed').length}/${children.length})`),
      h('ul', { class: 'subtask-list' }, children.map((c) => h('li', { class: `status-${c.task.status}` }, link(c.task)))),
      canEdit ? this.quickSubtask() : null);
    fill(this.el, h('h3', {}, 'Breakdown'), blockers, relationList, canEdit ? this.relationPicker() : null, subtasks,
      this.checklistView(checklist));
  }

  relationPicker() {
    const kind = h('select', { class: 'relation-kind-select', 'aria-label': 'Relation' }, options(RELATION_KINDS, 'blocked_by'));
    const search = h('input', { type: 'search', class: 'relation-search', placeholder: 'Task title or #id', 'aria-label': 'Find a task', list: 'relation-candidates' });
    const found = h('datalist', { id: 'relation-candidates' });
    let timer = null;
    search.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const text = search.value.trim();
        if (!text || /^#?\d+$/.test(text)) return;
        try {
          const page = await get(`/api/v1/tasks${query({ q: text, limit: 10 })}`);
          found.replaceChildren(...page.items.filter((t) => t.id !== this.task.id).map((t) => h('option', { value: `#${t.id} ${t.title}` })));
        } catch {
          // suggestions only
        }
      }, 200);
    });
    const add = async (e) => {
      e.preventDefault();
      const m = /^#?(\d+)/.exec(search.value.trim());
      if (!m) {
        toast('Name the task by #id (pick one from the suggestions).', 'error');
        return;
      }
      try {
        await post(`/api/v1/tasks/${this.task.id}/relations`, { kind: kind.value, task_id: Number(m[1]) });
        search.value = '';
        await this.refreshTask();
      } catch (err) {
        toast(`Not related: ${err.explanation || err.message}`, 'error');
      }
    };
    return h('form', { class: 'relation-picker', on: { submit: add } }, kind, search, found,
      h('button', { type: 'submit', class: 'add-relation' }, 'Add'));
  }

  quickSubtask() {
    const title = h('input', { type: 'text', class: 'subtask-title', maxlength: 500, placeholder: 'New subtask', 'aria-label': 'New subtask title' });
    const add = async (e) => {
      e.preventDefault();
      if (!title.value.trim()) return;
      try {
        const created = await post('/api/v1/tasks', { board_id: this.task.board_id, title: title.value.trim(), parent_id: this.task.id });
        title.value = '';
        if (created.board_id === this.panel.board.board?.id) await this.panel.board.applyOwn(created);
        await this.refreshTask();
      } catch (err) {
        toast(`Subtask not created: ${err.explanation || err.message}`, 'error');
      }
    };
    return h('form', { class: 'subtask-form', on: { submit: add } }, title, h('button', { type: 'submit' }, 'Add subtask'));
  }

  checklistView(checklist) {
    const canEdit = this.panel.canEdit;
    const list = h('ul', { class: 'checklist' }, checklist.items.map((item) => h('li', { class: ['checklist-item', item.done && 'done'], dataset: { itemId: item.id } },
      canEdit ? h('span', { class: 'drag-handle', 'aria-hidden': 'true' }, '⋮⋮') : null,
      h('label', {},
        h('input', { type: 'checkbox', checked: item.done, disabled: !canEdit, 'aria-label': `Done: ${item.text}`,
          on: { change: (e) => this.itemChange(item, { done: e.target.checked }) } }),
        ` ${item.text}`),
      item.assignee ? h('span', { class: 'assignee' }, ` @${item.assignee}`) : null,
      canEdit ? h('button', { type: 'button', class: 'icon convert-item', title: 'Turn into a subtask', 'aria-label': `Turn “${item.text}” into a subtask`,
        on: { click: () => this.convert(item) } }, '⤴') : null,
      canEdit ? h('button', { type: 'button', class: 'icon delete-item', 'aria-label': `Delete “${item.text}”`,
        on: { click: () => this.itemWrite('DELETE', `/checklist/${item.id}`) } }, '×') : null)));
    if (canEdit) {
      Sortable.create(list, {
        handle: '.drag-handle',
        animation: 120,
        forceFallback: true,
        onEnd: (evt) => {
          if (evt.oldIndex === evt.newIndex) return;
          const id = Number(evt.item.dataset.itemId);
          const prev = evt.item.previousElementSibling;
          const next = evt.item.nextElementSibling;
          const body = prev ? { after_id: Number(prev.dataset.itemId) } : { before_id: Number(next.dataset.itemId) };
          this.itemWrite('POST', `/checklist/${id}/move`, body);
        },
      });
    }
    const text = h('input', { type: 'text', class: 'checklist-text', maxlength: 500, placeholder: 'Add an item', 'aria-label': 'New checklist item' });
    const add = async (e) => {
      e.preventDefault();
      if (!text.value.trim()) return;
      if (await this.itemWrite('POST', '/checklist', { text: text.value.trim() })) text.value = '';
    };
    return h('div', { class: 'checklist-section' },
      h('h4', {}, `Checklist (${checklist.done}/${checklist.total})`), list,
      canEdit ? h('form', { class: 'checklist-form', on: { submit: add } }, text, h('button', { type: 'submit' }, 'Add item')) : null);
  }

  itemChange(item, body) {
    return this.itemWrite('PATCH', `/checklist/${item.id}`, body);
  }

  async convert(item) {
    if (await this.itemWrite('POST', `/checklist/${item.id}/convert`)) toast('Turned into a subtask.', 'ok');
  }

  /** One checklist write, If-Match on the task's version; the answer's task becomes the panel's and the card's. */
  async itemWrite(method, path, body) {
    try {
      const answer = await api(method, `/api/v1/tasks/${this.task.id}${path}`, { body, ifMatch: this.task.version });
      this.adopt(answer.task);
      if (answer.subtask && answer.subtask.board_id === this.task.board_id) await this.panel.board.applyOwn(answer.subtask);
      await this.load();
      return true;
    } catch (err) {
      toast(`Checklist not changed: ${err.explanation || err.message}`, 'error');
      await this.load();
      return false;
    }
  }

  async refreshTask() {
    this.adopt(await get(`/api/v1/tasks/${this.task.id}`));
    await this.load();
  }

  /** Takes over the task as the server answered (new version, progress, blockers) without losing form edits. */
  adopt(task) {
    if (!task || !this.task || task.id !== this.task.id) return;
    this.panel.task = { ...this.panel.task, version: task.version, updated_at: task.updated_at, blocked: task.blocked,
      blockers: task.blockers, subtasks: task.subtasks, checklist: task.checklist, parent_id: task.parent_id };
    this.panel.noticed = Math.max(this.panel.noticed || 0, task.version);
    this.panel.board.applyOwn(task);
  }

  async removeRelation(r) {
    try {
      await del(`/api/v1/tasks/${this.task.id}/relations${query({ kind: r.kind, task_id: r.task.id })}`);
      await this.refreshTask();
    } catch (err) {
      toast(`Not removed: ${err.explanation || err.message}`, 'error');
    }
  }
}

