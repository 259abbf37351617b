// Members of the workspace (add by username, change role, remove; the API's role rules apply: a
// member cannot raise themself) and, for system admins, the users of the server (create, disable,
// reset a password; people and agents told apart). Admins also invite by link: the link (shown once,
// with a copy button) or a mail holding it, when the server sends mail; unused links are listed and
// can be withdrawn.
import { get, post, put, patch, del, query } from '../api.js';
import { h, options, when, fill } from '../dom.js';
import { toast, confirmDialog, formDialog } from '../ui.js';
import { block, field, table, secretBox } from './parts.js';

const ROLES = ['admin', 'member', 'agent', 'viewer'];

const kindBadge = (kind) => h('span', { class: `kind kind-${kind}` }, kind === 'agent' ? 'agent' : 'person');

export async function membersTab(panel, ctx) {
  const ws = ctx.workspace.id;
  const isAdmin = ctx.role === 'admin';
  const list = h('div', { id: 'member-list' });

  async function reload() {
    const members = (await get(`/api/v1/workspaces/${ws}/members?limit=500`)).items;
    list.replaceChildren(table('Members', ['Name', 'Kind', 'Role', 'Joined', ''], members.map((m) => {
      const label = m.display_name ? `${m.display_name} (${m.username})` : m.username;
      const role = isAdmin
        ? h('select', { class: 'member-role', 'aria-label': `Role of ${m.username}`, on: { change: async (e) => {
          try {
            await put(`/api/v1/workspaces/${ws}/members/${m.user_id}`, { role: e.target.value });
            toast(`${m.username} is now ${e.target.value}.`, 'ok');
          } catch (err) {
            toast(`Role not changed: ${err.explanation || err.message}`, 'error');
          }
          await reload();
        } } }, options(ROLES.map((r) => [r, r]), m.role))
        : m.role;
      const remove = isAdmin ? h('button', { type: 'button', class: 'danger remove-member', 'aria-label': `Remove ${m.username}`, on: { click: async () => {
        if (!await confirmDialog({ title: 'Remove member?', message: `Remove ${m.username} from ${ctx.workspace.name}? Their tokens stop working here.`, okLabel: 'Remove' })) return;
        try {
          await del(`/api/v1/workspaces/${ws}/members/${m.user_id}`);
          toast(`${m.username} removed.`, 'ok');
        } catch (err) {
          toast(`Not removed: ${err.explanation || err.message}`, 'error');
        }
        await reload();
      } } }, 'Remove') : null;
      return [label, kindBadge(m.kind), role, when(m.joined_at), remove];
    })));
  }

  const username = h('input', { type: 'text', id: 'member-username', required: true, maxlength: 100, autocomplete: 'off' });
  const role = h('select', { id: 'member-new-role' }, options(ROLES.map((r) => [r, r]), 'member'));
  const add = isAdmin ? block('Add a member', h('form', { class: 'settings-form', id: 'member-form', on: { submit: async (e) => {
    e.preventDefault();
    try {
      const r = await post(`/api/v1/workspaces/${ws}/members`, { username: username.value.trim(), role: role.value });
      toast(r.status === 'added' ? `${username.value.trim()} added as ${role.value}.`
        : `${username.value.trim()} is invited as ${role.value}: they join once they accept (Workspaces tab).`, 'ok');
      username.value = '';
      await reload();
    } catch (err) {
      toast(`Not added: ${err.explanation || err.message}`, 'error');
    }
  } } }, field('Username', username, 'An existing account of this server'), field('Role', role),
  h('button', { type: 'submit', class: 'primary', id: 'member-add' }, 'Add member'))) : null;

  fill(panel, add || h('p', { class: 'muted' }, 'Only admins of this workspace add, change and remove members.'),
    isAdmin ? inviteBlock(ctx) : null,
    block(`Members of ${ctx.workspace.name}`, list));
  await reload();
}

/**
 * An invitation link with a role and an expiry, optionally mailed: the answer holds the link, shown
 * here once. Whoever opens it joins (signing in or creating their account on invite.html); the
 * server's rules decide how they may sign in.
 */
function inviteBlock(ctx) {
  const ws = ctx.workspace.id;
  const role = h('select', { id: 'invite-role' }, options(ROLES.map((r) => [r, r]), 'member'));
  const hours = h('input', { type: 'number', id: 'invite-hours', min: 1, max: 720, value: 72, required: true });
  const email = h('input', { type: 'email', id: 'invite-email', maxlength: 320, autocomplete: 'off' });
  const issued = h('div', { id: 'invite-issued', 'aria-live': 'polite' });
  const pending = h('div', { id: 'invite-list' });

  async function reload() {
    const links = (await get(`/api/v1/workspaces/${ws}/invitation-links?limit=500`)).items;
    pending.replaceChildren(table('Unused invitation links', ['Role', 'Sent to', 'Expires', 'Created by', ''], links.map((l) => [
      l.role, l.email || h('span', { class: 'muted' }, 'link only'), when(l.expires_at, true), l.invited_by || '',
      h('button', { type: 'button', class: 'danger revoke-invitation', 'aria-label': `Withdraw the ${l.role} invitation${l.email ? ` sent to ${l.email}` : ''} created ${when(l.created_at, true)}`,
        on: { click: async () => {
          if (!await confirmDialog({ title: 'Withdraw invitation?', message: 'The link stops working at once; whoever has it cannot join with it.', okLabel: 'Withdraw' })) return;
          try {
            await del(`/api/v1/workspaces/${ws}/invitation-links/${l.id}`);
            toast('Invitation withdrawn.', 'ok');
          } catch (err) {
            toast(`Not withdrawn: ${err.explanation || err.message}`, 'error');
          }
          await reload();
        } } }, 'Withdraw'),
    ]), 'No unused invitation links.'));
  }

  const form = h('form', { class: 'settings-form', id: 'invite-form', on: { submit: async (e) => {
    e.preventDefault();
    const address = email.value.trim();
    try {
      const c = await post(`/api/v1/workspaces/${ws}/invitation-links`, {
        role: role.value, expires_in_hours: Number(hours.value), email: address || null,
      });
      const sent = c.mailed ? `Mailed to ${c.email}. `
        : address ? 'This server does not send mail: send the link yourself. ' : '';
      issued.replaceChildren(h('div', { class: 'notice-info panel-notice', id: 'invite-result' },
        h('p', {}, h('strong', {}, `Invitation as ${c.role} created. `), sent,
          `It works once, until ${when(c.expires_at, true)}; copy it now: it is shown only once.`),
        secretBox('Invitation link', c.link, 'invite-link')));
      toast(c.mailed ? `Invitation mailed to ${c.email}.` : 'Invitation link created.', 'ok');
      email.value = '';
    } catch (err) {
      toast(`Invitation not created: ${err.explanation || err.message}`, 'error');
    }
    await reload();
  } } },
  field('Role', role),
  field('Expires after (hours)', hours, 'From 1 hour to 30 days (720 hours)'),
  field('E-mail address (optional)', email, 'The link is mailed there when this server sends mail'),
  h('button', { type: 'submit', class: 'primary', id: 'invite-create' }, 'Create invitation link'));
  reload().catch((err) => toast(`Cannot list the invitations: ${err.explanation || err.message}`, 'error'));
  return block('Invite by link', form, issued, h('h4', {}, 'Unused links'), pending);
}

export async function usersTab(panel, ctx) {
  const list = h('div', { id: 'user-list' });
  const systemAdmin = !!ctx.user?.is_admin;

  /** Rebuilds the list; `focus` (a CSS selector in it) gets the keyboard focus back after a rebuild. */
  async function reload(focus) {
    const page = await get(`/api/v1/users${query({ limit: 500 })}`);
    list.replaceChildren(table('Users', ['Username', 'Name', 'Kind', 'State', 'Created', ''], page.items.map((u) => [
      h('span', { class: 'user-row', dataset: { userId: u.id } }, u.username, u.id === ctx.user?.id ? ' (you)' : ''),
      u.display_name || '', kindBadge(u.kind), u.disabled ? 'disabled' : 'active', when(u.created_at),
      systemAdmin ? h('span', { class: 'row-actions' },
        // a system admin cannot lock themself out (the API refuses it too)
        u.id === ctx.user?.id ? null : h('button', { type: 'button', class: 'toggle-user', id: `toggle-user-${u.id}`, 'aria-label': `${u.disabled ? 'Enable' : 'Disable'} ${u.username}`, on: { click: async () => {
          try {
            await patch(`/api/v1/users/${u.id}`, { disabled: !u.disabled });
            toast(`${u.username} ${u.disabled ? 'enabled' : 'disabled: their sessions have ended'}.`, 'ok');
          } catch (err) {
            toast(`Not changed: ${err.explanation || err.message}`, 'error');
          }
          await reload(`#toggle-user-${u.id}`);
        } } }, u.disabled ? 'Enable' : 'Disable'),
        h('button', { type: 'button', class: 'reset-password', id: `reset-password-${u.id}`, 'aria-label': `Reset the password of ${u.username}`, on: { click: () => resetPassword(u) } }, 'Reset password')) : null,
    ])));
    if (focus) list.querySelector(focus)?.focus();
  }

  async function resetPassword(u) {
    const input = h('input', { type: 'password', id: 'reset-password-value', required: true, minlength: 8, maxlength: 200, autocomplete: 'new-password' });
    const password = await formDialog({
      title: `New password for ${u.username}`, okLabel: 'Set password', id: 'reset-password-dialog',
      body: field('New password', input, 'At least 8 characters; their signed-in sessions end'),
      // a password is taken as typed: no trimming
      collect: () => (input.value.length >= 8 ? input.value : undefined),
    });
    if (password) {
      try {
        await patch(`/api/v1/users/${u.id}`, { password });
        toast(`Password of ${u.username} reset.`, 'ok');
      } catch (err) {
        toast(`Not reset: ${err.explanation || err.message}`, 'error');
      }
    }
    list.querySelector(`#reset-password-${u.id}`)?.focus();
  }

  const username = h('input', { type: 'text', id: 'user-username', required: true, maxlength: 100, autocomplete: 'off' });
  const display = h('input', { type: 'text', id: 'user-display', maxlength: 200 });
  const password = h('input', { type: 'password', id: 'user-password', minlength: 8, maxlength: 200, autocomplete: 'new-password', required: true });
  const passwordHint = h('small', { class: 'muted', id: 'user-password-hint' });
  const kind = h('select', { id: 'user-kind' }, options([['user', 'person'], ['agent', 'agent']], 'user'));
  const role = h('select', { id: 'user-role' }, options(ROLES.map((r) => [r, r]), 'member'));
  // a person needs a password to sign in; an agent works with API tokens and needs none (give it one
  // only to sign in as the agent and create its token, as the README's "Connect an agent" does)
  const kindChanged = () => {
    const agent = kind.value === 'agent';
    password.required = !agent;
    passwordHint.textContent = agent
      ? 'Optional for an agent: agents work with API tokens; give one only to sign in as the agent and create its token'
      : 'At least 8 characters; they sign in with it';
    if (agent && role.value === 'member') role.value = 'agent';
    if (!agent && role.value === 'agent') role.value = 'member';
  };
  kind.addEventListener('change', kindChanged);
  kindChanged();
  password.setAttribute('aria-describedby', 'user-password-hint');
  const create = systemAdmin || ctx.role === 'admin' ? block('New user', h('form', { class: 'settings-form', id: 'user-form', on: { submit: async (e) => {
    e.preventDefault();
    try {
      const u = await post('/api/v1/users', { username: username.value.trim(), display_name: display.value.trim() || null,
        password: password.value || null, kind: kind.value, role: role.value });
      toast(`User ${u.username} (${u.kind === 'agent' ? 'agent' : 'person'}) created and added to ${ctx.workspace.name} as ${role.value}.`, 'ok');
      // not form.reset(): that would put the selects on their first option (role admin)
      for (const input of [username, display, password]) input.value = '';
      kind.value = 'user';
      role.value = 'member';
      kindChanged();
      username.focus();
      await reload();
    } catch (err) {
      toast(`User not created: ${err.explanation || err.message}`, 'error');
    }
  } } }, field('Kind', kind), field('Username', username, 'Letters, digits and _ . @ - only'), field('Display name', display),
  h('label', { class: 'field' }, h('span', {}, 'Password'), password, passwordHint),
  field(`Role in ${ctx.workspace.name}`, role),
  systemAdmin ? null : h('p', { class: 'muted' }, 'Disabling users and resetting passwords is for system admins.'),
  h('button', { type: 'submit', class: 'primary', id: 'user-create' }, 'Create user'))) : null;

  panel.replaceChildren(create || h('p', { class: 'muted' }, 'System admins create, disable and reset users.'), block('Users', list));
  await reload();
}
