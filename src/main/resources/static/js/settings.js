// The settings screens (issue 17): everything around the board that used to need curl — API tokens,
// members, workspaces, webhooks, the profile, users and import/export. One page with a tab list; the
// open tab lives in the URL (?view=settings&tab=tokens) so it survives a reload and can be linked.
import { h, $ } from './dom.js';
import { tokensTab } from './settings/tokens.js';
import { membersTab, usersTab } from './settings/people.js';
import { workspacesTab } from './settings/workspaces.js';
import { webhooksTab } from './settings/webhooks.js';
import { profileTab } from './settings/profile.js';
import { transferTab } from './settings/transfer.js';

/** The tabs: id, label, who sees it, and the function that fills the tab's panel. */
const TABS = [
  { id: 'tokens', label: 'API tokens', show: () => true, render: tokensTab },
  { id: 'members', label: 'Members', show: () => true, render: membersTab },
  { id: 'workspaces', label: 'Workspaces', show: () => true, render: workspacesTab },
  { id: 'webhooks', label: 'Webhooks', show: (ctx) => ctx.role === 'admin', render: webhooksTab },
  { id: 'transfer', label: 'Import & export', show: (ctx) => ctx.role !== 'viewer', render: transferTab },
  { id: 'profile', label: 'Profile', show: () => true, render: profileTab },
  { id: 'users', label: 'Users', show: (ctx) => ctx.user?.is_admin || ctx.role === 'admin', render: usersTab },
];

/**
 * Shows the settings page in `root`. ctx: { user, workspace, workspaces, role, onWorkspacesChanged,
 * onSwitchWorkspace, onClose, onTab }.
 */
export function showSettings(root, ctx, tab) {
  const tabs = TABS.filter((t) => t.show(ctx));
  const current = tabs.find((t) => t.id === tab) || tabs[0];
  const panel = h('section', { class: 'settings-panel', role: 'tabpanel', id: 'settings-panel', tabindex: '-1', 'aria-labelledby': `tab-${current.id}` });
  const list = h('div', { class: 'settings-tabs', role: 'tablist', 'aria-label': 'Settings' },
    tabs.map((t) => h('button', {
      type: 'button', role: 'tab', id: `tab-${t.id}`, 'aria-selected': String(t === current), 'aria-controls': 'settings-panel',
      tabindex: t === current ? '0' : '-1', class: t === current ? 'active' : null,
      on: { click: () => showSettings(root, ctx, t.id) },
    }, t.label)));
  // arrow keys move between tabs (the WAI-ARIA tabs pattern)
  list.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(current);
    const next = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i - 1 + tabs.length) % tabs.length] : null;
    if (next) {
      e.preventDefault();
      showSettings(root, ctx, next.id);
      $(`#tab-${next.id}`)?.focus();
    }
  });
  root.replaceChildren(
    h('div', { class: 'settings-head' },
      h('h2', {}, `Settings · ${ctx.workspace.name}`),
      h('button', { type: 'button', id: 'settings-close', on: { click: () => ctx.onClose() } }, 'Back to the board')),
    list, panel);
  ctx.onTab?.(current.id);
  current.render(panel, ctx);
}
