// The signed-in person's profile: display name, password change (with the current password), and
// signing out everywhere else (revoking the other sessions is feat/signin's sessions list; here the
// current session ends and every API token stays).
import { get, patch, put } from '../api.js';
import { h, options } from '../dom.js';
import { toast } from '../ui.js';
import { block, field } from './parts.js';

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

  const password = h('form', { class: 'settings-form', id: 'password-form', on: { submit: async (e) => {
    e.preventDefault();
    try {
      await patch(`/api/v1/users/${me.id}`, { password: next.value, current_password: current.value });
      toast('Password changed.', 'ok');
      e.target.reset();
    } catch (err) {
      toast(`Password not changed: ${err.status === 403 || err.status === 401 ? 'the current password is wrong.' : err.explanation || err.message}`, 'error');
    }
  } } }, field('Current password', current), field('New password', next, 'At least 8 characters'),
  h('button', { type: 'submit', class: 'primary', id: 'password-change' }, 'Change password'));

  panel.replaceChildren(block('Profile', details), block('Password', password),
    block('Notifications', await notificationsForm()));
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
