// The column editor: add, rename, reorder, set kind and WIP limit, remove; saved in one
// PUT /api/v1/boards/{id}/columns so the board never shows half of the change. The PUT carries the
// board's version as If-Match: columns changed elsewhere meanwhile are a conflict shown in the dialog
// (the PUT removes every column it does not name), never silently removed.
import { get, put, ApiError } from './api.js';
import { h, $, $$, options } from './dom.js';
import { formDialog, toast } from './ui.js';

const KINDS = ['backlog', 'todo', 'in_progress', 'blocked', 'review', 'done'];

/** Opens the editor for the board's columns; resolves true when they were saved. */
export async function editColumns(board) {
  const list = h('ol', { class: 'column-editor' });
  const row = (c) => {
    const li = h('li', { class: 'column-row', dataset: { columnId: c.id ?? '' } },
      h('input', { type: 'text', name: 'name', value: c.name, required: true, maxlength: 100, 'aria-label': 'Column name' }),
      h('select', { name: 'kind', 'aria-label': 'Column kind' }, options(KINDS.map((k) => [k, k.replace('_', ' ')]), c.kind)),
      h('input', { type: 'number', name: 'wip_limit', min: 1, value: c.wip_limit ?? '', placeholder: 'no limit', 'aria-label': 'WIP limit' }),
      h('button', { type: 'button', class: 'icon up', 'aria-label': 'Move column left', on: { click: () => li.previousElementSibling?.before(li) } }, '↑'),
      h('button', { type: 'button', class: 'icon down', 'aria-label': 'Move column right', on: { click: () => li.nextElementSibling?.after(li) } }, '↓'),
      h('button', { type: 'button', class: 'icon danger remove', 'aria-label': 'Remove column', title: c.task_count ? `Holds ${c.task_count} cards: move them first` : 'Remove',
        on: { click: () => li.remove() } }, '×'),
      c.task_count ? h('span', { class: 'muted' }, `${c.task_count} cards`) : null);
    return li;
  };
  let version = board.board?.version;
  const fill = (columns) => list.replaceChildren(...columns.map(row));
  fill(board.columns);
  const notice = h('div', { class: 'panel-notice', role: 'alert', hidden: true });
  const loadTheirs = async () => {
    try {
      const fresh = await get(`/api/v1/boards/${board.boardId}`);
      version = fresh.version;
      fill(fresh.columns);
      notice.hidden = true;
    } catch (err) {
      toast(`Cannot load the columns: ${err.explanation || err.message}`, 'error');
    }
  };
  const add = h('button', { type: 'button', class: 'add-column', on: { click: () => {
    const li = row({ name: '', kind: 'todo', wip_limit: null });
    list.append(li);
    $('input', li).focus();
  } } }, '+ Add column');
  const saved = await formDialog({
    title: 'Columns', okLabel: 'Save columns', id: 'columns-dialog',
    body: h('div', {}, notice, h('p', { class: 'muted' }, 'Order, names, kinds and WIP limits. A column must be empty to be removed.'), list, add),
    collect: async () => {
      const specs = $$('.column-row', list).map((li) => {
        const wip = $('[name=wip_limit]', li).value;
        const spec = { name: $('[name=name]', li).value.trim(), kind: $('[name=kind]', li).value, wip_limit: wip ? Number(wip) : null };
        if (li.dataset.columnId) spec.id = Number(li.dataset.columnId);
        return spec;
      });
      if (!specs.length || specs.some((s) => !s.name)) {
        toast('Every column needs a name, and a board needs at least one column.', 'error');
        return undefined;
      }
      try {
        await put(`/api/v1/boards/${board.boardId}/columns`, { columns: specs }, { ifMatch: version });
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 412) {
          notice.hidden = false;
          notice.className = 'panel-notice notice-conflict';
          notice.replaceChildren(
            h('span', {}, 'Someone changed the columns while you were editing them. Your changes are not saved yet. '),
            h('button', { type: 'button', class: 'load-columns', on: { click: loadTheirs } }, 'Load their columns'));
          notice.scrollIntoView?.({ block: 'nearest' });
        } else {
          toast(`Columns not saved: ${err.explanation || err.message}`, 'error');
        }
        return undefined;
      }
    },
  });
  if (!saved) return false;
  toast('Columns saved.', 'ok');
  return true;
}
