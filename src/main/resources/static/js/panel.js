// The card panel: every field of one card, its pending hints, comments, evidence and history. Saving sends only the
// changed fields with If-Match; when the card changed elsewhere meanwhile (a live update, or the
// API's 412) the panel says so and lets the person choose, instead of silently overwriting.
import { get, post, patch, put, del, api, query, ApiError } from './api.js';
import { h, options, when, fill, dueDay } from './dom.js';
import { toast, confirmDialog } from './ui.js';
import { renderMarkdown } from './markdown.js';
import { BreakdownSection } from './breakdown.js';
import { fieldControl, sameValue } from './fields.js';

// the server's priorities, least urgent first (GET /api/v1/priorities), loaded once per page
let priorities = null;
function loadPriorities() {
  priorities ??= get('/api/v1/priorities').catch((e) => { priorities = null; throw e; });
  return priorities;
}
const EVIDENCE_KINDS = ['photo', 'file', 'note', 'voice', 'measurement', 'link'];

export class CardPanel {
  /** @param board the BoardView the card lives on; @param user the signed-in user; @param role the workspace role */
  constructor(board, { user, role }) {
    this.board = board;
    this.user = user;
    this.role = role;
    this.canEdit = role !== 'viewer';
    this.task = null;
    this.blobUrls = [];
    this.dialog = h('dialog', { class: 'panel', id: 'card-panel', 'aria-labelledby': 'panel-title' });
    this.dialog.addEventListener('close', () => this.closed());
    this.dialog.addEventListener('cancel', (e) => {
      // Escape: ask first when there are unsaved edits
      e.preventDefault();
      this.requestClose();
    });
    document.body.append(this.dialog);
  }

  get openId() {
    return this.dialog.open && this.task ? this.task.id : null;
  }

  async open(taskId) {
    let task;
    try {
      [task, this.priorities] = await Promise.all([get(`/api/v1/tasks/${taskId}`), loadPriorities()]);
    } catch (e) {
      toast(`Cannot open the card: ${e.explanation || e.message}`, 'error');
      return;
    }
    this.task = task;
    this.noticed = task.version;
    this.build();
    if (!this.dialog.open) this.dialog.showModal();
    this.reloadSections();
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }

  closed() {
    this.blobUrls.forEach((u) => URL.revokeObjectURL(u));
    this.blobUrls = [];
    const id = this.task?.id;
    this.task = null;
    this.dialog.replaceChildren();
    if (id) this.board.focusCard(id);
  }

  // ---- the form --------------------------------------------------------------------------------

  build() {
    const t = this.task;
    const ro = !this.canEdit;
    this.fields = {
      title: h('input', { type: 'text', id: 'panel-title', class: 'panel-title', value: t.title, maxlength: 500, required: true, disabled: ro, 'aria-label': 'Title' }),
      description: h('textarea', { name: 'description', rows: 6, maxlength: 100000, disabled: ro, value: t.description || '' }),
      acceptance_criteria: h('textarea', { name: 'acceptance_criteria', rows: 3, maxlength: 20000, disabled: ro, value: t.acceptance_criteria || '' }),
      priority: h('select', { name: 'priority', disabled: ro }, options(this.priorities.map((p) => [p, p]), t.priority)),
      // several members, comma separated; one name may also be free text (seed 002's single assignee)
      assignee: h('input', { type: 'text', name: 'assignee', maxlength: 2000, disabled: ro, value: assigneeNames(t).join(', '),
        placeholder: 'ann, bob', autocomplete: 'off' }),
      due_date: h('input', { type: 'date', name: 'due_date', disabled: ro, value: dueDay(t.due_date) }),
      epic: h('input', { type: 'text', name: 'epic', maxlength: 200, disabled: ro, value: t.epic || '' }),
      tags: h('input', { type: 'text', name: 'tags', disabled: ro, value: tagNames(t.tags).join(', '), placeholder: 'bug, feature', list: 'tag-names' }),
    };
    this.customControls = (this.board.fields || []).map((f) => fieldControl(f, t.fields?.[f.name], ro));
    const preview = h('div', { class: 'markdown description-preview', 'aria-label': 'Description preview' });
    const renderPreview = () => preview.replaceChildren(renderMarkdown(this.fields.description.value));
    renderPreview();
    this.fields.description.addEventListener('input', renderPreview);
    this.notice = h('div', { class: 'panel-notice', role: 'status', hidden: true });
    const columns = this.board.columns;
    const moveColumn = h('select', { name: 'move_column', 'aria-label': 'Move to column', disabled: ro },
      options(columns.map((c) => [c.id, c.name]), t.column_id));
    const moveWhere = h('select', { name: 'move_where', 'aria-label': 'Place', disabled: ro }, options([['top', 'at the top'], ['bottom', 'at the bottom']], 'top'));
    // watching (issue 15): anyone who can see the card, viewers too, may watch or unwatch it
    this.watchButton = h('button', { type: 'button', class: 'watch-toggle', 'aria-pressed': 'false', disabled: true,
      title: 'Watchers hear of comments, moves and completion in their notifications',
      on: { click: () => this.toggleWatch() } }, 'Watch');
    const form = this.form = h('form', { class: 'panel-form', on: { submit: (e) => { e.preventDefault(); this.save(); } } },
      h('div', { class: 'panel-head' },
        this.fields.title,
        h('button', { type: 'button', class: 'icon panel-close', 'aria-label': 'Close', on: { click: () => this.requestClose() } }, '×')),
      this.notice,
      h('p', { class: 'panel-facts' },
        h('span', { class: `status status-${t.status}` }, t.status.replace('_', ' ')),
        ` · ${t.column} · created by ${t.created_by || 'unknown'} ${when(t.created_at, true)} · #${t.id} · v${t.version}`),
      h('p', { class: 'panel-people' },
        h('span', { class: 'panel-assignees' }, `Assignees: ${t.assignees?.length ? t.assignees.join(', ') : (t.assignee || 'none')}`),
        this.watchButton),
      h('div', { class: 'panel-move' },
        h('label', {}, 'Move to ', moveColumn), moveWhere,
        h('button', { type: 'button', class: 'move-button', disabled: ro, on: { click: () => this.move(Number(moveColumn.value), moveWhere.value) } }, 'Move')),
      h('div', { class: 'grid' },
        field('Priority', this.fields.priority),
        field('Assignees (comma separated)', this.fields.assignee),
        field('Due date', this.fields.due_date),
        field('Epic', this.fields.epic),
        field('Tags (comma separated)', this.fields.tags, 'wide')),
      this.customControls.length
        ? h('fieldset', { class: 'grid custom-fields' }, h('legend', {}, 'Fields'), this.customControls.map((c) => c.label))
        : null,
      field('Description (Markdown)', this.fields.description, 'wide'),
      preview,
      field('Acceptance criteria', this.fields.acceptance_criteria, 'wide'),
      this.canEdit ? h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'danger delete-card', on: { click: () => this.deleteCard() } }, 'Delete card'),
        t.archived_at
          ? h('button', { type: 'button', class: 'restore-card', on: { click: () => this.restoreCard() } }, 'Restore to board')
          : h('button', { type: 'button', class: 'archive-card', on: { click: () => this.archiveCard() } }, 'Archive card'),
        h('span', { class: 'spacer' }),
        h('button', { type: 'button', on: { click: () => this.requestClose() } }, 'Close'),
        h('button', { type: 'submit', class: 'primary save-card' }, 'Save')) : null);
    this.hints = h('section', { class: 'panel-section hints-section', hidden: true });
    this.comments = h('section', { class: 'panel-section comments-section' }, h('h3', {}, 'Comments'), h('p', { class: 'muted' }, 'Loading…'));
    this.evidence = h('section', { class: 'panel-section evidence-section' }, h('h3', {}, 'Evidence'), h('p', { class: 'muted' }, 'Loading…'));
    this.history = h('section', { class: 'panel-section history-section' }, h('h3', {}, 'History'), h('p', { class: 'muted' }, 'Loading…'));
    this.breakdown = new BreakdownSection(this);
    this.dialog.replaceChildren(h('div', { class: 'panel-body' }, form, this.breakdown.el, this.hints, this.comments, this.evidence,
      this.history));
    this.loadTagNames();
    if (t.archived_at) {
      this.showNotice('info', `This card is archived (${when(t.archived_at, true)}): it is not on the board. Restore it to change it.`);
    }
  }

  async loadTagNames() {
    if (document.getElementById('tag-names')) return;
    try {
      const tags = await get('/api/v1/tags?limit=500');
      const items = Array.isArray(tags) ? tags : tags.items || [];
      document.body.append(h('datalist', { id: 'tag-names' }, items.map((t) => h('option', { value: t.name }))));
    } catch {
      // suggestions only
    }
  }

  /** The fields whose value differs from the card as loaded, as a PATCH body. */
  changes() {
    const t = this.task;
    const f = this.fields;
    const out = {};
    const text = (name, value) => {
      const v = f[name].value;
      if (v.trim() !== (value || '').trim()) out[name] = v.trim() === '' && name !== 'title' ? null : v;
    };
    if (f.title.value.trim() !== t.title) out.title = f.title.value.trim();
    text('description', t.description);
    text('acceptance_criteria', t.acceptance_criteria);
    text('epic', t.epic);
    if (f.priority.value !== t.priority) out.priority = f.priority.value;
    // a day picked is sent as that day (yyyy-mm-dd): the API keeps it as the day, the same in every time zone
    if (f.due_date.value !== dueDay(t.due_date)) out.due_date = f.due_date.value || null;
    const custom = {};
    for (const c of this.customControls || []) {
      const v = c.read();
      if (!sameValue(v, t.fields?.[c.field.name])) custom[c.field.name] = v;
    }
    if (Object.keys(custom).length) out.fields = custom;
    return out;
  }

  /** The assignees typed, when they differ from the card's (members, or one free-text name). */
  assigneeChanges() {
    const wanted = Array.from(new Set(this.fields.assignee.value.split(',').map((s) => s.trim()).filter(Boolean)));
    return wanted.join('\n') === assigneeNames(this.task).join('\n') ? null : wanted;
  }

  tagChanges() {
    const wanted = this.fields.tags.value.split(',').map((s) => s.trim()).filter(Boolean);
    const norm = (list) => Array.from(new Set(list.map((s) => s.toLowerCase()))).sort().join('\n');
    return norm(wanted) === norm(tagNames(this.task.tags)) ? null : Array.from(new Set(wanted));
  }

  dirty() {
    return !!this.task && this.fields && this.canEdit
      && (Object.keys(this.changes()).length > 0 || this.tagChanges() !== null || this.assigneeChanges() !== null);
  }

  /**
   * The unsaved edits, to keep over a sign-in: the card as it was loaded (their base: its version is
   * the If-Match of the save) and the value of each control of the form. Null when there are none.
   */
  draft() {
    if (!this.dirty()) return null;
    return { task: this.task, values: this.formValues() };
  }

  /** The value of each control of the form, in order. */
  formValues() {
    return Array.from(this.form.elements, (el) => (el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value));
  }

  /** Puts the values of formValues() back into the form (built again for the same card), the preview with them. */
  refill(values) {
    Array.from(this.form.elements).forEach((el, i) => {
      if (i >= values.length) return;
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = values[i];
      else el.value = values[i];
    });
    this.fields.description.dispatchEvent(new Event('input'));
  }

  /**
   * Opens the card of a draft with its edits put back, on the version they were made on: a save is
   * checked against that version, so a change made meanwhile is a conflict, not overwritten.
   */
  async restore({ task, values }) {
    try {
      this.priorities = await loadPriorities();
    } catch {
      return;
    }
    this.task = task;
    this.noticed = task.version;
    this.build();
    this.refill(values);
    if (!this.dialog.open) this.dialog.showModal();
    this.reloadSections();
    this.showNotice('info', 'Your unsaved changes are back. Save them to keep them.');
  }

  async requestClose() {
    if (this.dirty()) {
      const ok = await confirmDialog({ title: 'Discard changes?', message: 'Your unsaved changes to this card will be lost.', okLabel: 'Discard' });
      if (!ok) return;
    }
    this.close();
  }

  /**
   * Saves the fields changed since the card was loaded. With `over` (the card as it is now, after a
   * conflict) the same changes go on top of that version: fields this person did not touch keep
   * the other person's values.
   */
  async save({ over = null } = {}) {
    const body = this.changes();
    const tags = this.tagChanges();
    const assignees = this.assigneeChanges();
    // several names (or a card with several now) replace the members assigned; one name or none goes
    // through `assignee`, which also takes free text
    const replace = assignees && (assignees.length > 1 || (this.task.assignees?.length || 0) > 1);
    if (assignees && !replace) body.assignee = assignees[0] || null;
    if (body.title === '') {
      toast('A card needs a title.', 'error');
      return;
    }
    if (!Object.keys(body).length && !tags && !assignees) {
      this.close();
      return;
    }
    // each write checks the version the one before it made (the first: the version edited)
    const base = over || this.task;
    let task = base;
    try {
      if (Object.keys(body).length) {
        task = await patch(`/api/v1/tasks/${task.id}`, body, { ifMatch: task.version });
      }
      if (replace) {
        task = (await put(`/api/v1/tasks/${task.id}/assignees`, { assignees }, { ifMatch: task.version })).task;
      }
      if (tags) {
        await put(`/api/v1/tasks/${task.id}/tags`, { names: tags }, { ifMatch: task.version });
        task = await get(`/api/v1/tasks/${task.id}`);
      }
      await this.board.applyOwn(task);
      toast('Card saved.', 'ok');
      this.close();
    } catch (err) {
      // a step that landed before the one that failed is this person's change: the panel (and the
      // board) go on from the version it made, so the next save sends only what is left, not a 412
      const partly = task !== base;
      if (partly) {
        this.task = task;
        this.noticed = Math.max(this.noticed || 0, task.version);
        await this.board.applyOwn(task);
      }
      if (err instanceof ApiError && err.status === 412) {
        await this.conflict(null);
      } else {
        toast(`${partly ? 'Partly saved; the rest not' : 'Not saved'}: ${err.explanation || err.message}`, 'error');
      }
    }
  }

  /**
   * The card changed elsewhere while this panel had edits. Shows who, and offers to load their
   * version (dropping the edits) or to save these edits over it.
   */
  async conflict(actor) {
    let latest;
    try {
      latest = await get(`/api/v1/tasks/${this.task.id}`);
    } catch (e) {
      if (e.status === 404) this.gone(actor);
      return;
    }
    this.noticed = Math.max(this.noticed || 0, latest.version);
    this.showNotice('conflict',
      `${actor || 'Someone'} changed this card while you were editing it (now version ${latest.version}). Your changes are not saved yet.`,
      [
        ['Load their version', () => { this.task = latest; this.build(); this.reloadSections(); }],
        ['Keep mine and overwrite', () => this.save({ over: latest })],
      ]);
  }

  gone(actor) {
    this.showNotice('conflict', `${actor || 'Someone'} deleted this card.`, [['Close', () => this.close()]]);
    this.dialog.querySelectorAll('input, textarea, select, .save-card, .delete-card, .move-button').forEach((el) => { el.disabled = true; });
  }

  showNotice(kind, text, actions = []) {
    this.notice.hidden = false;
    this.notice.className = `panel-notice notice-${kind}`;
    this.notice.replaceChildren(h('span', {}, text),
      ...actions.map(([label, fn]) => h('button', { type: 'button', on: { click: fn } }, label)));
    // the notice sits at the top of the panel: a conflict found on Save must not stay out of view
    this.notice.scrollIntoView?.({ block: 'nearest' });
    if (kind === 'conflict') this.notice.querySelector('button')?.focus({ preventScroll: true });
  }

  /** A change to a card made elsewhere (live update or poll); deleted when it is gone. */
  remoteChange(task, { actor, deleted, part }) {
    if (!this.task || task.id !== this.task.id) return;
    if (this.holding > 0) {
      this.arrived.push([task, { actor, deleted, part }]);
      return;
    }
    if (deleted) {
      this.gone(actor);
      return;
    }
    if (part) {
      this.partChanged(task, { actor, part });
      return;
    }
    if (task.version <= Math.max(this.task.version, this.noticed || 0)) return;
    this.noticed = task.version;
    if (this.dirty()) {
      this.conflict(actor);
      return;
    }
    this.task = { ...this.task, ...task };
    this.build();
    this.reloadSections();
    this.showNotice('info', `Updated by ${actor || 'someone else'} just now.`);
  }

  /**
   * A comment added or deleted, or the tags changed, elsewhere (`task`: id, the new version, the tags).
   * When that is the only change since the version shown, the panel takes the version, so the next
   * save is not refused as stale: a comment is no conflicting edit, and new tags are shown unless the
   * person is editing the tags (then it is a conflict). Otherwise the card is read again.
   */
  async partChanged(task, { actor, part }) {
    if (task.version == null || task.version <= Math.max(this.task.version, this.noticed || 0)) {
      if (part === 'comments') this.loadComments();
      return;
    }
    if (task.version !== this.task.version + 1) {
      let fresh;
      try {
        fresh = await get(`/api/v1/tasks/${task.id}`);
      } catch (e) {
        if (e.status === 404) this.gone(actor);
        return;
      }
      this.remoteChange(fresh, { actor });
      return;
    }
    if (part === 'tags' && this.tagChanges() !== null) {
      this.noticed = task.version;
      this.conflict(actor);
      return;
    }
    this.task = { ...this.task, version: task.version, ...(part === 'tags' ? { tags: task.tags } : {}) };
    this.noticed = Math.max(this.noticed || 0, task.version);
    if (part === 'tags') {
      this.fields.tags.value = tagNames(task.tags).join(', ');
      this.showNotice('info', `${actor || 'Someone else'} changed the tags just now.`);
    } else {
      this.loadComments();
    }
    this.loadHistory();
  }

  reloadSections() {
    this.loadWatching();
    this.breakdown.load();
    this.loadHints();
    this.loadComments();
    this.loadEvidence();
    this.loadHistory();
  }

  async loadWatching() {
    const id = this.task.id;
    try {
      const w = await get(`/api/v1/tasks/${id}/watchers`);
      if (this.task?.id === id) this.showWatching(w.watching);
    } catch {
      // the button stays disabled
    }
  }

  showWatching(watching) {
    this.watchButton.disabled = false;
    this.watchButton.setAttribute('aria-pressed', String(watching));
    this.watchButton.textContent = watching ? 'Watching' : 'Watch';
  }

  async toggleWatch() {
    const watching = this.watchButton.getAttribute('aria-pressed') === 'true';
    const path = `/api/v1/tasks/${this.task.id}/watchers/me`;
    this.watchButton.disabled = true;
    try {
      const r = watching ? await del(path) : await put(path);
      this.showWatching(r && typeof r.watching === 'boolean' ? r.watching : !watching);
      toast(watching ? 'You no longer watch this card.' : 'You watch this card now.');
    } catch (e) {
      this.watchButton.disabled = false;
      toast(`Cannot change watching: ${e.explanation || e.message}`, 'error');
    }
  }

  /**
   * Moves the card ("Move to"). A move is no edit of the fields: unsaved edits stay in the form, on
   * the moved card's version, unless the card had also changed elsewhere (then it is the usual conflict).
   */
  async move(columnId, where) {
    const base = this.task;
    const values = this.dirty() ? this.formValues() : null;
    this.holdChanges();
    try {
      const task = await this.board.moveTo(base.id, columnId, where);
      if (!task || this.task !== base) return;
      if (values && task.version > base.version + 1) {
        await this.conflict(null);
        return;
      }
      this.task = { ...base, ...task };
      this.noticed = Math.max(this.noticed || 0, task.version);
      this.build();
      if (values) this.refill(values);
      this.reloadSections();
      this.showNotice('info', `Moved to ${task.column}.`);
    } finally {
      this.releaseChanges();
    }
  }

  /**
   * While this panel's own write is on its way, changes to the card announced meanwhile wait: the
   * write's own event may come before its answer, and is no change made elsewhere.
   */
  holdChanges() {
    this.holding = (this.holding || 0) + 1;
    this.arrived ??= [];
  }

  /** The write is done: what arrived meanwhile is looked at against the card as the write left it. */
  releaseChanges() {
    this.holding -= 1;
    if (this.holding > 0) return;
    const arrived = this.arrived || [];
    this.arrived = null;
    for (const [task, info] of arrived) this.remoteChange(task, info);
  }

  async archiveCard() {
    const t = this.task;
    try {
      await post(`/api/v1/tasks/${t.id}/archive`, undefined, { ifMatch: t.version });
      this.board.remove(t.id, t.column_id);
      this.board.render();
      this.close();
      toast('Card archived. “Archive & trash” lists it and restores it.', 'ok');
    } catch (err) {
      toast(`Not archived: ${err.explanation || err.message}`, 'error');
    }
  }

  async restoreCard() {
    try {
      this.task = await post(`/api/v1/tasks/${this.task.id}/restore`);
      await this.board.load();
      this.build();
      this.reloadSections();
      this.showNotice('info', `Restored to ${this.task.column}.`);
    } catch (err) {
      toast(`Not restored: ${err.explanation || err.message}`, 'error');
    }
  }

  async deleteCard() {
    const t = this.task;
    const ok = await confirmDialog({
      title: 'Delete card?',
      message: `Move “${t.title}” to the trash? It can be restored from “Archive & trash” until it is purged.`,
    });
    if (!ok) return;
    try {
      await del(`/api/v1/tasks/${t.id}`);
      this.board.remove(t.id, t.column_id);
      this.board.render();
      this.close();
      toast('Card moved to the trash.', 'ok');
    } catch (err) {
      toast(`Not deleted: ${err.explanation || err.message}`, 'error');
    }
  }

  // ---- hints -----------------------------------------------------------------------------------

  /** The card's pending hints (from the worker or a colleague), each with Apply and Dismiss; hidden when there are none. */
  async loadHints() {
    const id = this.task.id;
    let page;
    try {
      page = await get(`/api/v1/tasks/${id}/hints${query({ status: 'pending', limit: 100 })}`);
    } catch {
      return; // hints are advice: the card works without them
    }
    if (!this.task || this.task.id !== id) return;
    this.hints.hidden = page.items.length === 0;
    this.hints.replaceChildren(h('h3', {}, `Hints (${page.total})`),
      h('ul', { class: 'hint-list' }, page.items.map((hint) => this.hintItem(hint))));
  }

  /** A hints_available event: the hints of a card changed (one was added, applied or dismissed). */
  hintsChanged(data) {
    if (this.task && data && data.task_id === this.task.id) this.loadHints();
  }

  hintItem(hint) {
    const change = Object.entries(hint.suggestion || {}).map(([key, value]) => `${key.replaceAll('_', ' ')}: ${suggested(value)}`).join(' · ');
    return h('li', { class: 'hint', dataset: { hintId: hint.id, hintType: hint.type } },
      h('div', { class: 'hint-head' },
        h('span', { class: 'badge' }, hint.type), ' ',
        h('span', { class: 'hint-message' }, hint.message)),
      change ? h('p', { class: 'hint-change' }, change) : null,
      h('div', { class: 'hint-foot' },
        h('span', { class: 'muted' }, `${hint.source} · ${when(hint.created_at, true)}`),
        h('span', { class: 'spacer' }),
        this.canEdit ? h('button', { type: 'button', class: 'link dismiss-hint', on: { click: () => this.dismissHint(hint) } }, 'Dismiss') : null,
        this.canEdit ? h('button', { type: 'button', class: 'primary apply-hint', on: { click: () => this.applyHint(hint) } }, 'Apply') : null));
  }

  async applyHint(hint) {
    if (this.dirty()) {
      toast('Save or discard your changes to the card first.', 'error');
      return;
    }
    try {
      const { task } = await api('POST', `/api/v1/hints/${hint.id}/apply`, { ifMatch: this.task.version });
      await this.board.applyOwn(task);
      this.task = { ...this.task, ...task };
      this.noticed = Math.max(this.noticed || 0, task.version);
      this.build();
      this.reloadSections();
      this.showNotice('info', `Hint applied: ${hint.message}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        toast('The card changed meanwhile; look at it again before applying the hint.', 'error');
      } else {
        toast(`Hint not applied: ${err.explanation || err.message}`, 'error');
      }
      this.loadHints();
    }
  }

  async dismissHint(hint) {
    try {
      await api('POST', `/api/v1/hints/${hint.id}/dismiss`);
    } catch (err) {
      toast(`Hint not dismissed: ${err.explanation || err.message}`, 'error');
    }
    this.loadHints();
    this.loadHistory();
  }

  // ---- comments --------------------------------------------------------------------------------

  async loadComments() {
    const id = this.task.id;
    let page;
    try {
      page = await get(`/api/v1/tasks/${id}/comments${query({ limit: 200 })}`);
    } catch (e) {
      this.comments.replaceChildren(h('h3', {}, 'Comments'), h('p', { class: 'error' }, e.explanation || e.message));
      return;
    }
    if (!this.task || this.task.id !== id) return;
    const list = h('ol', { class: 'comment-list' }, page.items.map((c) => this.commentItem(c)));
    const input = h('textarea', { name: 'comment', rows: 2, maxlength: 20000, placeholder: 'Write a comment…', 'aria-label': 'New comment' });
    const add = h('form', { class: 'comment-form', on: { submit: async (e) => {
      e.preventDefault();
      if (!input.value.trim()) return;
      try {
        await post(`/api/v1/tasks/${id}/comments`, { body: input.value });
        input.value = '';
        this.bumpComments(id, 1);
        this.loadComments();
        this.loadHistory();
      } catch (err) {
        toast(`Comment not added: ${err.explanation || err.message}`, 'error');
      }
    } } }, input, h('button', { type: 'submit', class: 'primary' }, 'Comment'));
    fill(this.comments, h('h3', {}, `Comments (${page.total})`), list, this.canEdit ? add : null);
  }

  /**
   * After this person's own comment was added or deleted: the comment count is part of the card, so
   * the card has a new version (its ETag, the If-Match of the next save). The card is read again; when
   * the comment was the only change, the panel keeps its edits on the new version, otherwise it shows
   * the change as one made elsewhere.
   */
  async bumpComments(taskId, delta) {
    const t = this.board.tasks.get(taskId);
    if (t) {
      this.board.tasks.set(taskId, { ...t, comment_count: Math.max(0, t.comment_count + delta) });
      this.board.render();
    }
    let fresh;
    try {
      fresh = await get(`/api/v1/tasks/${taskId}`);
    } catch {
      return; // the next save answers 412 and offers the latest version
    }
    if (t) await this.board.applyOwn(fresh);
    if (!this.task || this.task.id !== taskId) return;
    if (fresh.version === this.task.version + 1) {
      this.task = { ...this.task, version: fresh.version, updated_at: fresh.updated_at, comment_count: fresh.comment_count };
      this.noticed = Math.max(this.noticed || 0, fresh.version);
    } else {
      this.remoteChange(fresh, {});
    }
  }

  commentItem(c) {
    const mine = this.user && c.author === this.user.username;
    const admin = this.role === 'admin';
    const author = c.author_display_name || c.author;
    const body = h('div', { class: 'comment-body markdown' }, renderMarkdown(c.body));
    const item = h('li', { class: 'comment', dataset: { commentId: c.id } },
      h('div', { class: 'comment-head' },
        h('strong', { class: 'comment-author', title: c.author }, author), ' ',
        h('time', { datetime: c.created_at, class: 'muted' }, when(c.created_at, true)),
        c.updated_at && c.updated_at !== c.created_at ? h('span', { class: 'muted' }, ' (edited)') : null,
        h('span', { class: 'spacer' }),
        (mine || admin) && this.canEdit ? h('button', { type: 'button', class: 'link edit-comment', on: { click: () => edit() } }, 'Edit') : null,
        (mine || admin) && this.canEdit ? h('button', { type: 'button', class: 'link danger delete-comment', on: { click: () => remove() } }, 'Delete') : null),
      body);
    const edit = () => {
      const area = h('textarea', { rows: 3, maxlength: 20000, value: c.body, 'aria-label': 'Edit comment' });
      const form = h('form', { class: 'comment-edit', on: { submit: async (e) => {
        e.preventDefault();
        try {
          await patch(`/api/v1/comments/${c.id}`, { body: area.value });
          this.loadComments();
        } catch (err) {
          toast(`Comment not saved: ${err.explanation || err.message}`, 'error');
        }
      } } }, area, h('div', { class: 'actions' },
        h('button', { type: 'button', on: { click: () => form.replaceWith(body) } }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, 'Save comment')));
      body.replaceWith(form);
      area.focus();
    };
    const remove = async () => {
      const ok = await confirmDialog({ title: 'Delete comment?', message: `Delete this comment by ${author}? This cannot be undone.` });
      if (!ok) return;
      try {
        await del(`/api/v1/comments/${c.id}`);
        this.bumpComments(c.task_id, -1);
        this.loadComments();
      } catch (err) {
        toast(`Comment not deleted: ${err.explanation || err.message}`, 'error');
      }
    };
    return item;
  }

  // ---- evidence --------------------------------------------------------------------------------

  async loadEvidence() {
    const id = this.task.id;
    let page;
    try {
      page = await get(`/api/v1/tasks/${id}/evidence${query({ limit: 100 })}`);
    } catch (e) {
      this.evidence.replaceChildren(h('h3', {}, 'Evidence'), h('p', { class: 'error' }, e.explanation || e.message));
      return;
    }
    if (!this.task || this.task.id !== id) return;
    const list = h('ul', { class: 'evidence-list' }, page.items.map((ev) => this.evidenceItem(ev)));
    const file = h('input', { type: 'file', name: 'file', 'aria-label': 'Evidence file' });
    const kind = h('select', { name: 'kind', 'aria-label': 'Evidence kind' }, options(EVIDENCE_KINDS.map((k) => [k, k]), 'photo'));
    const note = h('input', { type: 'text', name: 'note', placeholder: 'Note (optional)', maxlength: 2000, 'aria-label': 'Evidence note' });
    const upload = h('form', { class: 'evidence-form', on: { submit: async (e) => {
      e.preventDefault();
      if (!file.files.length && !note.value.trim()) {
        toast('Choose a file or write a note.', 'error');
        return;
      }
      const form = new FormData();
      if (file.files.length) form.append('file', file.files[0]);
      form.append('kind', file.files.length ? kind.value : 'note');
      if (note.value.trim()) form.append('note', note.value.trim());
      try {
        await api('POST', `/api/v1/tasks/${id}/evidence`, { form });
        toast('Evidence added.', 'ok');
        this.loadEvidence();
        this.loadHistory();
      } catch (err) {
        toast(`Evidence not added: ${err.explanation || err.message}`, 'error');
      }
    } } }, file, kind, note, h('button', { type: 'submit', class: 'primary' }, 'Upload'));
    fill(this.evidence, h('h3', {}, `Evidence (${page.total})`), list, this.canEdit ? upload : null);
  }

  evidenceItem(ev) {
    const label = ev.filename || ev.url || ev.note || ev.kind;
    const item = h('li', { class: 'evidence', dataset: { evidenceId: ev.id } },
      h('div', {}, h('span', { class: 'badge' }, ev.kind), ' ', h('span', { class: 'evidence-name' }, label),
        ev.size_bytes != null ? h('span', { class: 'muted' }, ` · ${formatBytes(ev.size_bytes)}`) : null,
        h('span', { class: 'muted' }, ` · ${ev.created_by} ${when(ev.created_at, true)}`)),
      ev.note && ev.note !== label ? h('p', { class: 'evidence-note' }, ev.note) : null);
    if (ev.content_url) {
      if ((ev.content_type || '').startsWith('image/')) {
        const img = h('img', { class: 'evidence-preview', alt: `Preview of ${label}` });
        item.append(img);
        this.blob(ev.content_url).then((url) => { if (url) img.src = url; });
      }
      const link = h('a', { href: '#', class: 'evidence-download', download: ev.filename || `evidence-${ev.id}` }, 'Download');
      link.addEventListener('click', async (e) => {
        if (link.dataset.ready) return;
        e.preventDefault();
        const url = await this.blob(ev.content_url);
        if (!url) return;
        link.href = url;
        link.dataset.ready = 'true';
        link.click();
      });
      item.append(link);
    }
    return item;
  }

  /** The file fetched with the bearer token, as a blob: URL the page may show (CSP allows blob: images). */
  async blob(path) {
    try {
      const data = await api('GET', path, { blob: true });
      const url = URL.createObjectURL(data);
      this.blobUrls.push(url);
      return url;
    } catch (e) {
      toast(`Cannot load the file: ${e.explanation || e.message}`, 'error');
      return null;
    }
  }

  // ---- history ---------------------------------------------------------------------------------

  async loadHistory() {
    const id = this.task.id;
    let page;
    try {
      page = await get(`/api/v1/tasks/${id}/history${query({ limit: 100 })}`);
    } catch (e) {
      this.history.replaceChildren(h('h3', {}, 'History'), h('p', { class: 'error' }, e.explanation || e.message));
      return;
    }
    if (!this.task || this.task.id !== id) return;
    const names = new Map(this.board.columns.map((c) => [String(c.id), c.name]));
    const value = (entry, v) => (entry.field === 'column' || entry.field === 'column_id' ? names.get(String(v)) || `column ${v}` : v);
    // a description's or a comment's text can be thousands of characters: the timeline shows its start,
    // the whole text is the element's tooltip
    const shown = (kind, v) => {
      if (v == null) return h('span', { class: kind }, '—');
      const text = String(v);
      return text.length > HISTORY_VALUE_CHARS
        ? h('span', { class: kind, title: text }, `${text.slice(0, HISTORY_VALUE_CHARS)}…`)
        : h('span', { class: kind }, text);
    };
    const items = page.items.map((e) => h('li', { class: 'history-entry' },
      h('time', { datetime: e.occurred_at, class: 'muted' }, when(e.occurred_at, true)), ' ',
      h('strong', {}, e.actor), ' ', e.action.replaceAll('_', ' '),
      e.field ? ` ${e.field.replaceAll('_', ' ')}` : '',
      e.old_value != null || e.new_value != null
        ? h('span', { class: 'history-change' }, ': ', shown('old', value(e, e.old_value)), ' → ', shown('new', value(e, e.new_value)))
        : null));
    this.history.replaceChildren(h('h3', {}, 'History'), h('ol', { class: 'timeline' }, items));
  }
}

/** How much of a changed value the history timeline shows. */
const HISTORY_VALUE_CHARS = 200;

/** A suggested value as short text: lists joined, long text cut. */
function suggested(value) {
  if (Array.isArray(value)) return value.join(', ');
  const text = typeof value === 'string' ? value.replaceAll('\n', ' ') : String(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function field(label, control, cls) {
  return h('label', { class: ['field', cls] }, h('span', {}, label), control);
}

/** The card's assignees as typed in the panel: the members assigned, or else the free-text assignee. */
function assigneeNames(t) {
  if (t.assignees?.length) return t.assignees;
  return t.assignee ? [t.assignee] : [];
}

function tagNames(tags) {
  return (tags || []).map((t) => t.name);
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
