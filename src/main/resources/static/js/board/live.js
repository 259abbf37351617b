// Changes made elsewhere, as live events: applied to the state, the changed cards flashed with who
// changed them.
import { get, query, session, writing } from '../api.js';
import { h } from '../dom.js';
import { stale } from './state.js';

const FLASH_MS = 4000;

/** Tags in the server's order: by name ignoring case, then id. */
const byName = (a, b) => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.id - b.id;
};

/** Methods of BoardView (mixed in by ../board.js); `this` is the view. */
export class BoardLive {
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
      case 'task_restored':
      case 'task_completed':
      case 'task_blocked': // a blocker was reopened: the task carries blocked = true
      case 'task_unblocked': {
        this.eventAt.set(task.id, ++this.eventSeq);
        // an event for a state already shown (the page loaded after the change, or a replay) changes nothing
        const known = this.tasks.get(task.id);
        if (known && stale(known, task)) return null;
        const ok = this.upsert(task, { created: e.event === 'task_created' || e.event === 'task_restored' });
        this.flash(task.id, e.actor);
        this.onTaskChanged?.(task, { actor: e.actor });
        if (!ok) return this.load();
        this.render();
        return null;
      }
      case 'task_deleted':
      case 'task_archived': // off the board; the archive and the trash list it
        this.remove(task.id, task.column_id);
        this.onTaskChanged?.(task, { actor: e.actor, deleted: true });
        this.render();
        return null;
      case 'comment_added':
      case 'comment_deleted':
      case 'tags_changed': {
        // a part of the card its view shows: a new version of the task (`task_version`), applied once
        const t = this.tasks.get(data.task_id);
        const version = data.task_version;
        if (t && version != null && version <= t.version) return null; // shown already (its own answer, a replay)
        const part = e.event === 'tags_changed'
          ? { tags: data.tags }
          : { comment_count: Math.max(0, (t?.comment_count ?? 0) + (e.event === 'comment_added' ? 1 : -1)) };
        if (t) {
          this.tasks.set(t.id, { ...t, ...part, version: version ?? t.version });
          this.cards.delete(t.id);
          this.flash(t.id, e.actor);
          this.render();
        }
        this.onTaskChanged?.({ id: data.task_id, version, ...(e.event === 'tags_changed' ? part : {}) },
          { actor: e.actor, part: e.event === 'tags_changed' ? 'tags' : 'comments' });
        return null;
      }
      case 'tag_updated': // a tag renamed or recoloured, or deleted: its cards on this board show it anew
      case 'tag_deleted':
        if (this.retag(data, e.event === 'tag_deleted')) this.render();
        return null;
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

  /**
   * Applies a tag's change to the listed cards it is on (`data.tasks`: their ids and new versions):
   * the tag with its new name and colour, in name order, or without it. Answers whether a card changed.
   */
  retag(data, deleted) {
    const tag = { id: data.id, name: data.name, color: data.color };
    let changed = false;
    for (const { id, version } of data.tasks || []) {
      const t = this.tasks.get(id);
      if (!t || t.version >= version) continue; // not shown, or shown as it is already
      const others = (t.tags || []).filter((g) => g.id !== tag.id);
      const tags = deleted ? others : [...others, tag].sort(byName);
      this.tasks.set(id, { ...t, tags, version });
      this.cards.delete(id);
      changed = true;
    }
    return changed;
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

  flash(taskId, actor) {
    // this person's own change, come live while the page's write waits for its answer: not made elsewhere
    if (actor && actor === session.user?.username && writing()) return;
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
}
