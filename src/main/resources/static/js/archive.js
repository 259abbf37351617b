// The board's archive and trash (issue 17): archived cards (hidden from the board, restorable) and
// deleted cards in the trash (restorable until the retention purges them; admins can purge earlier).
// One dialog with two lists; every action answers in place and the board reloads when it changed.
import { get, post, del, query } from './api.js';
import { h, options, when } from './dom.js';
import { toast, confirmDialog } from './ui.js';

/** Opens the archive and trash of the board shown by `view`; `role` is the workspace role. */
export async function openArchive(view, { role }) {
  const canEdit = role !== 'viewer';
  const isAdmin = role === 'admin';
  const boardId = view.boardId;
  let changed = false;

  const archivedList = h('ul', { class: 'archive-list', id: 'archived-cards', 'aria-label': 'Archived cards' });
  const trashList = h('ul', { class: 'archive-list', id: 'trashed-cards', 'aria-label': 'Cards in the trash' });
  const search = h('input', { type: 'search', id: 'archive-search', placeholder: 'Search archived cards', 'aria-label': 'Search archived cards', maxlength: 200 });

  const act = async (what, fn) => {
    try {
      await fn();
      changed = true;
      await reload();
    } catch (err) {
      toast(`${what} failed: ${err.explanation || err.message}`, 'error');
    }
  };

  const row = (t, actions, facts) => h('li', { class: 'archive-row', dataset: { taskId: t.id } },
    h('span', { class: 'archive-title' }, t.title),
    h('span', { class: 'muted' }, facts),
    h('span', { class: 'archive-actions' }, ...actions));

  async function reload() {
    const [archived, trash] = await Promise.all([
      get(`/api/v1/tasks${query({ board_id: boardId, archived: true, q: search.value.trim(), sort: '-updated_at', limit: 200 })}`),
      get(`/api/v1/trash${query({ board_id: boardId, limit: 200 })}`),
    ]);
    archivedList.replaceChildren(...(archived.items.length ? archived.items.map((t) => row(t, canEdit ? [
      h('button', { type: 'button', class: 'restore-card', 'aria-label': `Restore “${t.title}” to the board`,
        on: { click: () => act('Restore', () => post(`/api/v1/tasks/${t.id}/restore`)) } }, 'Restore'),
      h('button', { type: 'button', class: 'danger trash-card', 'aria-label': `Move “${t.title}” to the trash`,
        on: { click: () => act('Delete', () => del(`/api/v1/tasks/${t.id}`)) } }, 'Delete'),
    ] : [], `${t.column} · archived ${when(t.archived_at, true)}`)) : [h('li', { class: 'muted' }, 'No archived cards.')]));
    trashList.replaceChildren(...(trash.items.length ? trash.items.map((t) => row(t, [
      canEdit ? h('button', { type: 'button', class: 'restore-card', 'aria-label': `Restore “${t.title}” from the trash`,
        on: { click: () => act('Restore', () => post(`/api/v1/tasks/${t.id}/restore`)) } }, 'Restore') : null,
      isAdmin ? h('button', { type: 'button', class: 'danger purge-card', 'aria-label': `Delete “${t.title}” forever`,
        on: { click: async () => {
          if (await confirmDialog({ title: 'Delete forever?', message: `Remove “${t.title}” with its comments and evidence for good? This cannot be undone.`, okLabel: 'Delete forever' })) {
            await act('Purge', () => del(`/api/v1/trash/${t.id}`));
          }
        } } }, 'Delete forever') : null,
    ], `${t.column} · deleted by ${t.deleted_by || 'unknown'} ${when(t.deleted_at, true)} · purged after ${when(t.purge_after)}`))
      : [h('li', { class: 'muted' }, 'The trash is empty.')]));
  }

  const columnPick = h('select', { 'aria-label': 'Column to archive', id: 'archive-column' }, options(view.columns.map((c) => [c.id, c.name])));
  const archiveColumn = canEdit ? h('div', { class: 'archive-column' },
    h('label', {}, 'Archive every card of ', columnPick),
    h('button', { type: 'button', id: 'archive-column-button', on: { click: async () => {
      const column = view.columns.find((c) => c.id === Number(columnPick.value));
      if (!await confirmDialog({ title: 'Archive column?', message: `Archive every card of “${column.name}”? They leave the board and can be restored here.`, okLabel: 'Archive cards', danger: false })) return;
      await act('Archive', async () => {
        const r = await post(`/api/v1/boards/${boardId}/columns/${column.id}/archive`);
        toast(`${r.archived} card${r.archived === 1 ? '' : 's'} archived.`, 'ok');
      });
    } } }, 'Archive cards')) : null;

  const emptyTrash = isAdmin ? h('button', { type: 'button', class: 'danger', id: 'empty-trash', on: { click: async () => {
    if (!await confirmDialog({ title: 'Empty the trash?', message: 'Remove every card in this board\'s trash for good? This cannot be undone.', okLabel: 'Empty trash' })) return;
    await act('Emptying the trash', () => del(`/api/v1/trash${query({ board_id: boardId })}`));
  } } }, 'Empty trash') : null;

  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => reload().catch(() => {}), 250);
  });

  const close = h('button', { type: 'button', 'data-role': 'cancel' }, 'Close');
  const dialog = h('dialog', { class: 'modal archive-dialog', id: 'archive-dialog', 'aria-labelledby': 'archive-heading' },
    h('div', { class: 'modal-form' },
      h('h2', { id: 'archive-heading' }, 'Archive and trash'),
      archiveColumn,
      h('section', { 'aria-labelledby': 'archived-heading' }, h('h3', { id: 'archived-heading' }, 'Archived cards'), search, archivedList),
      h('section', { 'aria-labelledby': 'trash-heading' },
        h('h3', { id: 'trash-heading' }, 'Trash'),
        h('p', { class: 'muted' }, 'Deleted cards stay here until they are purged; restore puts a card back at the end of its column.'),
        trashList, emptyTrash),
      h('div', { class: 'actions' }, close)));
  document.body.append(dialog);
  await new Promise((resolve) => {
    close.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    });
    dialog.showModal();
    reload().catch((err) => toast(`Cannot load the archive: ${err.explanation || err.message}`, 'error'));
  });
  return changed;
}
