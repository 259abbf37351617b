// The signed-in person's profile: display name, password change (with the current password), their
// signed-in sessions (end one, or sign out everywhere else: the API tokens stay) and notification
// preferences. Two-factor authentication and the tokens' last use are on the account page it links to.
import { get, patch, put, del } from '../api.js';
import { h, options, when } from '../dom.js';
import { toast, confirmDialog } from '../ui.js';
import { block, field, table } from './parts.js';

export async function profileTab(panel, ctx) {
  const me = (await get('/api/v1/auth/me')).user;
  const display = h('input', { type: 'text', id: 'profile-display', maxlength: 200, value: me.display_name || '' });
  const email = h('input', { type: 'email', id: 'profile-email', maxlength: 320, value: me.email || '' });
  const current = h('input', { type: 'password', id: 'profile-current', autocomplete: 'current-password', maxlength: 200, required: true });
  const next = h('input', { type: 'password', id: 'profile-new', autocomplete: 'new-password', minlength: 8, maxlength: 200, required: true });

  const details = h('form', { class: 'settings-form', id: 'profile-form', on: { submit: async (e) => {
    e.preventDefault();
    try {
      const u = await patch(`/api/v1/users/${me.id}`, { display_name: display.value.trim() || null, email: email.value.trim() || null });
      ctx.onProfile?.(u);
      toast('Profile saved.', 'ok');
    } catch (err) {
      toast(`Not saved: ${err.explanation || err.message}`, 'error');
    }
  } } }, h('p', {}, 'Signed in as ', h('strong', {}, me.username), me.kind === 'agent' ? ' (agent)' : ''),
  field('Display name', display), field('Email', email),
  h('button', { type: 'submit', class: 'primary', id: 'profile-save' }, 'Save profile'));

  const passwordMessage = h('p', { id: 'password-message', class: 'form-message', role: 'alert' });
  const password = h('form', { class: 'settings-form', id: 'password-form', on: { submit: async (e) => {
    e.preventDefault();
    try {
      await patch(`/api/v1/users/${me.id}`, { password: next.value, current_password: current.value });
      passwordMessage.textContent = 'Password changed; your other sessions have been signed out.';
      toast('Password changed.', 'ok');
      e.target.reset();
      await sessions.reload();
    } catch (err) {
      const wrong = err.status === 422 && JSON.stringify(err.problem).includes('current_password');
      passwordMessage.textContent = `Password not changed: ${wrong ? 'the current password is wrong.' : err.explanation || err.message}`;
      toast(passwordMessage.textContent, 'error');
      (wrong ? current : next).focus();
    }
  } } }, h('input', { type: 'text', name: 'username', autocomplete: 'username', value: me.username, readonly: true, hidden: true, 'aria-label': 'Username' }),
  field('Current password', current), field('New password', next, 'At least 8 characters'),
  passwordMessage, h('button', { type: 'submit', class: 'primary', id: 'password-change' }, 'Change password'));

  const sessions = sessionsBlock();
  panel.replaceChildren(block('Profile', details), block('Password', password), sessions.node,
    block('Notifications', await notificationsForm()));
  await sessions.reload();
}

/**
 * The person's signed-in sessions (browsers and devices): when and where each signed in, ending one,
 * or all but this one. API tokens are not sessions: they stay (revoke them in the API tokens tab).
 */
function sessionsBlock() {
  const list = h('div', { id: 'session-list' });
  const status = h('p', { id: 'sessions-status', class: 'muted', role: 'status', tabindex: '-1' });
  async function reload(focus) {
    let rows;
    try {
      rows = (await get('/api/v1/auth/sessions?limit=500')).items;
    } catch (err) {
      list.replaceChildren(h('p', { class: 'muted' }, `Cannot list the sessions: ${err.explanation || err.message}`));
      return;
    }
    others.disabled = !rows.some((r) => !r.current);
    list.replaceChildren(table('Signed-in sessions', ['Signed in', 'Last used', 'Address', 'Browser', ''], rows.map((r) => [
      when(r.created_at, true), when(r.last_used_at, true), r.address || '', (r.user_agent || '').slice(0, 80),
      r.current ? h('strong', { class: 'current-session' }, 'this session')
        : h('button', { type: 'button', class: 'end-session', id: `end-session-${r.id}`, 'aria-label': `Sign out the session signed in ${when(r.created_at, true)}`, on: { click: async () => {
          try {
            await del(`/api/v1/auth/sessions/${r.id}`);
            status.textContent = 'That session is signed out.';
          } catch (err) {
            status.textContent = `Not signed out: ${err.explanation || err.message}`;
          }
          await reload();
          (list.querySelector('.end-session') || status).focus();
        } } }, 'Sign out'),
    ]), 'No signed-in sessions (you are using an API token).'));
    if (focus) (focus.disabled ? status : focus).focus();
  }
  const others = h('button', { type: 'button', class: 'danger', id: 'end-other-sessions', on: { click: async () => {
    if (!await confirmDialog({ title: 'Sign out other sessions?', message: 'Every other browser and device signed in as you is signed out at its next request. Your API tokens keep working.', okLabel: 'Sign out others' })) return;
    try {
      const r = await del('/api/v1/auth/sessions');
      status.textContent = r.ended === 1 ? '1 other session signed out.' : `${r.ended} other sessions signed out.`;
      toast(status.textContent, 'ok');
    } catch (err) {
      status.textContent = `Not signed out: ${err.explanation || err.message}`;
      toast(status.textContent, 'error');
    }
    await reload(others);
  } } }, 'Sign out other sessions');
  const node = block('Sessions', h('p', { class: 'muted' }, 'Where you are signed in. Two-factor authentication is on the ',
    h('a', { href: '/account.html', id: 'account-security-link' }, 'account security page'), '.'),
  list, h('div', { class: 'form-actions' }, others), status);
  return { node, reload };
}

const EMAIL_CHOICES = [
  ['instant', 'One e-mail per notification'],
  ['digest', 'A digest (at most one e-mail per period)'],
  ['off', 'No e-mail'],
];

/** E-mail for notifications (issue 15): off, instant or digest; the bell shows them either way. */
async function notificationsForm() {
  let prefs;
  try {
    prefs = await get('/api/v1/me/notification-preferences');
  } catch (err) {
    return h('p', { class: 'muted' }, `Cannot load the notification preferences: ${err.explanation || err.message}`);
  }
  const choice = h('select', { id: 'notification-email' }, options(EMAIL_CHOICES, prefs.email));
  const where = !prefs.email_enabled
    ? 'E-mail is not configured on this server: notifications show in the bell only.'
    : prefs.email_address
      ? `Mail goes to ${prefs.email_address}; a digest comes at most every ${prefs.digest_minutes} minutes.`
      : 'Add an e-mail address to your profile to receive mail.';
  return h('form', { class: 'settings-form', id: 'notifications-form', on: { submit: async (e) => {
    e.preventDefault();
    try {
      await put('/api/v1/me/notification-preferences', { email: choice.value });
      toast('Notification preferences saved.', 'ok');
    } catch (err) {
      toast(`Not saved: ${err.explanation || err.message}`, 'error');
    }
  } } }, h('p', { class: 'muted' }, where), field('E-mail for notifications', choice),
  h('button', { type: 'submit', class: 'primary', id: 'notifications-save' }, 'Save notification preferences'));
}
