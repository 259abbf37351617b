// Workspaces: switch, create, rename; invitations addressed to the signed-in user, to accept.
import { get, post, patch, query } from '../api.js';
import { h, when } from '../dom.js';
import { toast, promptDialog } from '../ui.js';
import { block, field, table } from './parts.js';

export async function workspacesTab(panel, ctx) {
  const list = h('div', { id: 'workspace-list' });
  const invitations = h('div', { id: 'invitation-list' });
  const archivedBoards = h('div', { id: 'archived-boards' });

  async function reloadBoards() {
    const page = await get(`/api/v1/boards${query({ archived: true, limit: 500 })}`);
    archivedBoards.replaceChildren(table('Archived boards', ['Board', 'Columns', ''], page.items.map((b) => [
      b.name, b.columns.map((c) => c.name).join(' → '),
      ctx.role === 'viewer' ? null : h('button', { type: 'button', class: 'restore-board', 'aria-label': `Restore the board ${b.name}`, on: { click: async () => {
        try {
          await post(`/api/v1/boards/${b.id}/restore`);
          toast(`Board “${b.name}” restored.`, 'ok');
          await reloadBoards();
          ctx.onBoardsChanged?.();
        } catch (err) {
          toast(`Not restored: ${err.explanation || err.message}`, 'error');
        }
      } } }, 'Restore'),
    ]), 'No archived boards.'));
  }

  async function reload() {
    const [workspaces, invited] = await Promise.all([
      get('/api/v1/workspaces?limit=500').then((p) => p.items),
      get('/api/v1/invitations?limit=500').then((p) => p.items).catch(() => []),
    ]);
    ctx.onWorkspacesChanged(workspaces);
    list.replaceChildren(table('Workspaces', ['Name', 'Slug', 'Your role', ''], workspaces.map((w) => [
      w.id === ctx.workspace.id ? h('strong', {}, `${w.name} (current)`) : w.name,
      h('code', {}, w.slug), w.role,
      h('span', { class: 'row-actions' },
        w.id === ctx.workspace.id ? null : h('button', { type: 'button', class: 'switch-workspace', 'aria-label': `Switch to ${w.name}`,
          on: { click: () => ctx.onSwitchWorkspace(w.id) } }, 'Switch'),
        w.role === 'admin' ? h('button', { type: 'button', class: 'rename-workspace', 'aria-label': `Rename ${w.name}`, on: { click: async () => {
          const name = await promptDialog({ title: 'Rename workspace', label: 'Name', value: w.name, okLabel: 'Rename' });
          if (!name || name === w.name) return;
          try {
            await patch(`/api/v1/workspaces/${w.id}`, { name });
            toast('Workspace renamed.', 'ok');
            await reload();
          } catch (err) {
            toast(`Not renamed: ${err.explanation || err.message}`, 'error');
          }
        } } }, 'Rename') : null),
    ])));
    invitations.replaceChildren(table('Invitations', ['Workspace', 'Role', 'Invited', ''], (invited || []).map((i) => [
      i.workspace_name || `#${i.workspace_id}`, i.role, when(i.created_at),
      h('button', { type: 'button', class: 'accept-invitation', on: { click: async () => {
        try {
          await post(`/api/v1/invitations/${i.id}/accept`);
          toast('Invitation accepted.', 'ok');
          await reload();
        } catch (err) {
          toast(`Not accepted: ${err.explanation || err.message}`, 'error');
        }
      } } }, 'Accept'),
    ]), 'No open invitations.'));
  }

  const name = h('input', { type: 'text', id: 'workspace-name', required: true, maxlength: 200 });
  const create = ctx.user?.kind !== 'agent' ? block('New workspace', h('form', { class: 'settings-form', id: 'workspace-form', on: { submit: async (e) => {
    e.preventDefault();
    try {
      const w = await post('/api/v1/workspaces', { name: name.value.trim() });
      toast(`Workspace “${w.name}” created; you are its admin.`, 'ok');
      name.value = '';
      await reload();
    } catch (err) {
      toast(`Workspace not created: ${err.explanation || err.message}`, 'error');
    }
  } } }, field('Name', name), h('button', { type: 'submit', class: 'primary', id: 'workspace-create' }, 'Create workspace'))) : null;

  panel.replaceChildren(block('Your workspaces', list), create, block('Invitations to you', invitations),
    block(`Archived boards of ${ctx.workspace.name}`, archivedBoards));
  await Promise.all([reload(), reloadBoards()]);
}
