// The inbox (issue 15): a bell with the unread count in the top bar and a list of the member's
// notifications in this workspace. A notification opens its card (on its board) and is marked read;
// "Mark all read" clears the count. New notifications arrive live over the board's socket
// ({type: "notification"}); while no socket is open the count is checked every half minute.
import { get, post, query } from './api.js';
import { h, $ } from './dom.js';
import { toast } from './ui.js';

const CHECK_EVERY_MS = 30000;
const PAGE = 30;

const LABELS = {
  assigned: 'assigned you',
  mentioned: 'mentioned you',
  commented: 'commented',
  moved: 'moved',
  completed: 'completed',
  due_soon: 'is due soon',
  overdue: 'is overdue',
  unblocked: 'is unblocked',
  rule: 'rule',
};

/** Who did it: the member's display name (the username as tooltip), or the actor (system, rules). */
const who = (n) => n.actor_display_name || n.actor;

export class Inbox {
  /** @param onOpen (taskId, boardId) => void, opens a card */
  constructor({ onOpen }) {
    this.onOpen = onOpen;
    this.bell = $('#bell');
    this.count = $('#bell-count');
    this.panel = $('#inbox-panel');
    this.list = $('#inbox-list');
    this.unread = 0;
    this.timer = null;
    this.bell.addEventListener('click', () => (this.panel.hidden ? this.show() : this.hide()));
    $('#inbox-read-all').addEventListener('click', () => this.readAll());
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !this.panel.hidden) this.hide(); });
  }

  /** Starts over for the workspace now chosen. */
  async start() {
    clearInterval(this.timer);
    this.hide();
    await this.refreshCount();
    this.timer = setInterval(() => this.refreshCount(), CHECK_EVERY_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.hide();
  }

  async refreshCount() {
    try {
      const r = await get('/api/v1/notifications/unread-count');
      this.setCount(r.unread_count);
    } catch {
      // the next check tries again
    }
  }

  setCount(n) {
    this.unread = n;
    this.count.textContent = n > 99 ? '99+' : String(n);
    this.count.hidden = n === 0;
    this.bell.setAttribute('aria-label', n === 0 ? 'Notifications, none unread' : `Notifications, ${n} unread`);
  }

  /** A live message from the socket. */
  received(msg) {
    if (msg.unread_count != null) this.setCount(msg.unread_count);
    const n = msg.notification;
    if (!n) return;
    if (!this.panel.hidden) this.list.prepend(this.item(n));
    toast(`${who(n)} ${LABELS[n.kind] || n.kind}: ${n.title || ''}`, 'ok');
  }

  async show() {
    this.panel.hidden = false;
    this.bell.setAttribute('aria-expanded', 'true');
    try {
      const page = await get(`/api/v1/notifications${query({ limit: PAGE })}`);
      this.setCount(page.unread_count);
      this.list.replaceChildren(...(page.items.length
        ? page.items.map((n) => this.item(n))
        : [h('li', { class: 'muted inbox-empty' }, 'Nothing here yet.')]));
    } catch (err) {
      toast(`Cannot load notifications: ${err.explanation || err.message}`, 'error');
    }
  }

  hide() {
    this.panel.hidden = true;
    this.bell.setAttribute('aria-expanded', 'false');
  }

  item(n) {
    const when = new Date(n.created_at);
    return h('li', { class: ['inbox-item', n.read ? 'read' : 'unread'], dataset: { id: n.id, kind: n.kind } },
      h('button', { type: 'button', class: 'inbox-open', on: { click: () => this.open(n) } },
        h('span', { class: 'inbox-what', title: n.actor }, `${who(n)} ${LABELS[n.kind] || n.kind}`),
        h('span', { class: 'inbox-title' }, n.title || `#${n.task_id}`),
        n.excerpt ? h('span', { class: 'inbox-excerpt muted' }, n.excerpt) : null,
        h('time', { class: 'muted', datetime: n.created_at, title: when.toISOString() }, when.toLocaleString())));
  }

  async open(n) {
    this.hide();
    if (!n.read) {
      try {
        await post(`/api/v1/notifications/${n.id}/read`);
        this.setCount(Math.max(0, this.unread - 1));
      } catch {
        // opening the card matters more
      }
    }
    if (n.task_id != null) this.onOpen(n.task_id, n.board_id);
  }

  async readAll() {
    try {
      await post('/api/v1/notifications/read-all');
      this.setCount(0);
      this.list.querySelectorAll('.inbox-item.unread').forEach((li) => li.classList.replace('unread', 'read'));
    } catch (err) {
      toast(`Not marked: ${err.explanation || err.message}`, 'error');
    }
  }
}
