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

  // A column whose cards others hold under live claims is refused as a whole (409
  // column-has-claimed-tasks, nothing archived): the page names those cards, their holders and how
  // long the claims last, and members and admins may archive anyway (each override is recorded).
  const mayOverride = role === 'admin' || role === 'member';
  const claimed = h('div', { class: 'archive-claimed', id: 'archive-claimed', role: 'alert', hidden: true });
  const archiveCards = async (column, force) => {
    try {
      const r = await post(`/api/v1/boards/${boardId}/columns/${column.id}/archive${force ? query({ force: true }) : ''}`);
      claimed.hidden = true;
      claimed.replaceChildren();
      toast(`${r.archived} card${r.archived === 1 ? '' : 's'} archived.`, 'ok');
      changed = true;
      await reload();
    } catch (err) {
      if (err.status === 409 && Array.isArray(err.problem.claimed_tasks)) showClaimed(column, err.problem.claimed_tasks);
      else toast(`Archive failed: ${err.explanation || err.message}`, 'error');
    }
  };
  const showClaimed = (column, held) => {
    claimed.replaceChildren(
      h('p', {}, `Nothing was archived: ${held.length} card${held.length === 1 ? '' : 's'} of “${column.name}” ${held.length === 1 ? 'is' : 'are'} claimed by someone else.`),
      h('ul', { id: 'archive-claimed-cards', 'aria-label': 'Claimed cards' }, held.map((t) => h('li', { dataset: { taskId: t.id } },
        h('strong', {}, t.title), ` (#${t.id}) — claimed by ${t.claimed_by} until ${when(t.claim_expires_at, true)}`))),
      mayOverride
        ? h('p', { class: 'muted' }, 'Wait until the claims end, ask the holders to release them, or archive anyway: the overrides are recorded in each card’s history.')
        : h('p', { class: 'muted' }, 'Wait until the claims end or ask the holders to release them; only members and admins can override claims.'),
      h('div', { class: 'archive-claimed-actions' },
        mayOverride ? h('button', { type: 'button', class: 'danger', id: 'archive-force', on: { click: () => archiveCards(column, true) } },
          `Archive anyway (${held.length} claimed)`) : null,
        h('button', { type: 'button', id: 'archive-claimed-dismiss', on: { click: () => {
          claimed.hidden = true;
          claimed.replaceChildren();
          columnPick.focus();
        } } }, 'Keep them')));
    claimed.hidden = false;
    (claimed.querySelector('#archive-force') || claimed.querySelector('button')).focus();
  };

  const columnPick = h('select', { id: 'archive-column' }, options(view.columns.map((c) => [c.id, c.name])));
  const archiveColumn = canEdit ? h('div', { class: 'archive-column' },
    h('label', { for: 'archive-column' }, 'Archive every card of '), columnPick,
    h('button', { type: 'button', id: 'archive-column-button', on: { click: async () => {
      const column = view.columns.find((c) => c.id === Number(columnPick.value));
      if (!await confirmDialog({ title: 'Archive column?', message: `Archive every card of “${column.name}”? They leave the board and can be restored here.`, okLabel: 'Archive cards', danger: false })) return;
      await archiveCards(column, false);
    } } }, 'Archive cards'), claimed) : null;

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
