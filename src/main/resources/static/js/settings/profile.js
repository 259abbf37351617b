// The signed-in person's profile: display name, password change (with the current password), and
// signing out everywhere else (revoking the other sessions is feat/signin's sessions list; here the
// current session ends and every API token stays).
import { get, patch } from '../api.js';
import { h } from '../dom.js';
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
    block('Notifications', h('p', { class: 'muted' }, 'Notification preferences arrive with notifications.')));
}
