// Saved views (issue 17): the board's named filter sets, the caller's own and the shared ones, in the
// filter bar: pick one to apply its filters, save the current filters under a name (optionally shared
// with everyone on the board), delete one of your own.
import { get, post, del } from './api.js';
import { h, $ } from './dom.js';
import { toast, formDialog, confirmDialog } from './ui.js';
import { toQuery, isActive } from './filter.js';

export class SavedViewsBar {
  /** @param applyFilter (filter) => void, applies a view's filters to the board and the URL */
  constructor({ applyFilter }) {
    this.applyFilter = applyFilter;
    this.boardId = null;
    this.views = [];
    this.select = $('#view-select');
    this.remove = $('#delete-view');
    this.select.addEventListener('change', (e) => {
      e.stopPropagation(); // not a filter field of the bar itself
      const view = this.views.find((v) => String(v.id) === this.select.value);
      this.remove.hidden = !view?.mine;
      if (view) {
        this.applyFilter({ ...view.filters });
        toast(`View “${view.name}” applied.`, 'info');
      }
    });
    $('#save-view').addEventListener('click', () => this.save());
    this.remove.addEventListener('click', () => this.deleteSelected());
  }

  async show(boardId) {
    this.boardId = boardId;
    await this.refresh();
  }

  async refresh(selectId = null) {
    if (!this.boardId) return;
    const boardId = this.boardId;
    try {
      this.views = await get(`/api/v1/boards/${boardId}/views`);
    } catch {
      this.views = [];
    }
    if (boardId !== this.boardId) return;
    const label = (v) => (v.mine ? (v.shared ? `${v.name} (shared)` : v.name) : `${v.name} (by ${v.owner})`);
    this.select.replaceChildren(h('option', { value: '' }, 'Saved views'),
      ...this.views.map((v) => h('option', { value: String(v.id) }, label(v))));
    this.select.value = selectId != null && this.views.some((v) => v.id === selectId) ? String(selectId) : '';
    this.remove.hidden = !this.views.find((v) => String(v.id) === this.select.value)?.mine;
  }

  /** Saves the board's current filters under a name. */
  async save(filter = this.currentFilter?.()) {
    if (!isActive(filter)) {
      toast('Set some filters first: a view saves the filters the board shows.', 'error');
      return;
    }
    const name = h('input', { type: 'text', id: 'view-name', required: true, maxlength: 100, autocomplete: 'off' });
    const shared = h('input', { type: 'checkbox', id: 'view-shared' });
    const chosen = await formDialog({
      title: 'Save view', okLabel: 'Save view', id: 'save-view-dialog',
      body: h('div', {},
        h('label', { class: 'field', for: 'view-name' }, h('span', {}, 'Name'), name),
        h('label', { class: 'check', for: 'view-shared' }, shared, ' Share with everyone on this board')),
      collect: () => (name.value.trim() ? { name: name.value.trim(), shared: shared.checked } : undefined),
    });
    if (!chosen) return;
    try {
      const view = await post(`/api/v1/boards/${this.boardId}/views`, { ...chosen, filters: toQuery(filter) });
      toast(`View “${view.name}” saved.`, 'ok');
      await this.refresh(view.id);
    } catch (err) {
      toast(`View not saved: ${err.explanation || err.message}`, 'error');
    }
  }

  async deleteSelected() {
    const view = this.views.find((v) => String(v.id) === this.select.value);
    if (!view) return;
    const ok = await confirmDialog({ title: 'Delete view?', message: `Delete the saved view “${view.name}”? The filters on the board stay as they are.` });
    if (!ok) return;
    try {
      await del(`/api/v1/views/${view.id}`);
      toast('View deleted.', 'ok');
      await this.refresh();
    } catch (err) {
      toast(`Not deleted: ${err.explanation || err.message}`, 'error');
    }
  }
}
