// The account security page: two-factor enrolment (the QR code is an SVG the server drew, shown as an
// image), signed-in sessions and API tokens with their last use (each can be ended), and for admins
// the security log with its exports.
import { get, post, del, api, session } from './api.js';
import { $, h } from './dom.js';
import { toast } from './ui.js';

const when = (t) => (t ? new Date(t).toLocaleString() : '—');

function say(message) {
  $('#account-message').textContent = message;
}

async function showTwoFactor() {
  const status = await get('/api/v1/auth/two-factor');
  $('#tf-status').textContent = status.enabled
    ? `Two-factor authentication is on (since ${when(status.confirmed_at)}); ${status.recovery_codes_left} recovery codes left.`
    : 'Two-factor authentication is off.';
  $('#tf-enrol').hidden = status.enabled;
  $('#tf-disable-box').hidden = !status.enabled;
  if (status.enabled) $('#tf-enrolment').hidden = true;
}

async function enrol() {
  try {
    const e = await post('/api/v1/auth/two-factor/enrolment');
    $('#tf-qr').src = `data:image/svg+xml;base64,${btoa(e.qr_svg)}`;
    $('#tf-secret').textContent = e.secret;
    $('#tf-enrolment').hidden = false;
    $('#tf-recovery').hidden = true;
    $('#tf-code').focus();
  } catch (err) {
    say(err.explanation);
  }
}

async function confirm() {
  try {
    const result = await post('/api/v1/auth/two-factor/confirm', { code: $('#tf-code').value.trim() });
    $('#tf-recovery-codes').replaceChildren(...result.recovery_codes.map((c) => h('li', {}, h('code', {}, c))));
    $('#tf-recovery').hidden = false;
    $('#tf-code').value = '';
    say('');
    toast('Two-factor authentication is on.', 'ok');
    await showTwoFactor();
  } catch (err) {
    say(err.status === 422 ? 'That code is not right; enter the current code from the app.' : err.explanation);
  }
}

async function disable() {
  try {
    await post('/api/v1/auth/two-factor/disable', { code: $('#tf-disable-code').value.trim() });
    $('#tf-disable-code').value = '';
    $('#tf-recovery').hidden = true;
    say('');
    toast('Two-factor authentication is off.', 'ok');
    await showTwoFactor();
  } catch (err) {
    say(err.status === 422 ? 'That code is not right.' : err.explanation);
  }
}

async function showSessions() {
  const sessions = (await get('/api/v1/auth/sessions?limit=500')).items;
  $('#sessions tbody').replaceChildren(...sessions.map((s) => h('tr', { dataset: { id: s.id } },
    h('td', {}, when(s.created_at)),
    h('td', {}, when(s.last_used_at)),
    h('td', {}, s.address || ''),
    h('td', {}, `${s.method}${s.two_factor ? ' + 2FA' : ''}`),
    h('td', {}, (s.user_agent || '').slice(0, 60)),
    h('td', {}, s.current ? 'this session'
      : h('button', { type: 'button', class: 'end-session', 'aria-label': `End the session signed in ${when(s.created_at)}`, on: { click: () => end(s.id) } }, 'End')))));
  $('#end-other-sessions').disabled = !sessions.some((s) => !s.current);
}

async function end(id) {
  try {
    await del(`/api/v1/auth/sessions/${id}`);
    await showSessions();
  } catch (err) {
    say(err.explanation);
  }
}

async function endOthers() {
  try {
    const r = await del('/api/v1/auth/sessions');
    toast(r.ended === 1 ? '1 other session signed out.' : `${r.ended} other sessions signed out.`, 'ok');
    await showSessions();
  } catch (err) {
    say(err.explanation);
  }
}

async function showTokens() {
  const tokens = (await get('/api/v1/tokens?limit=500')).items.filter((t) => !t.revoked_at);
  $('#tokens tbody').replaceChildren(...tokens.map((t) => h('tr', { dataset: { id: t.id } },
    h('td', {}, t.name), h('td', {}, h('code', {}, t.prefix)), h('td', {}, t.scopes.join(', ')),
    h('td', {}, when(t.created_at)), h('td', {}, when(t.last_used_at)), h('td', {}, when(t.expires_at)),
    h('td', {}, h('button', { type: 'button', class: 'revoke-token', on: { click: () => revoke(t.id) } }, 'Revoke')))));
}

async function revoke(id) {
  try {
    await del(`/api/v1/tokens/${id}`);
    await showTokens();
  } catch (err) {
    say(err.explanation);
  }
}

async function showLog() {
  let page;
  try {
    page = await get('/api/v1/security/audit?limit=100');
  } catch {
    return; // not an admin: no log
  }
  $('#security-log').hidden = false;
  $('#log tbody').replaceChildren(...page.items.map((e) => h('tr', {},
    h('td', {}, when(e.at)), h('td', {}, e.action), h('td', {}, e.actor || ''), h('td', {}, e.subject || ''),
    h('td', {}, e.workspace_id ?? ''), h('td', {}, e.address || ''), h('td', {}, JSON.stringify(e.detail)))));
}

async function download(format) {
  const blob = await api('GET', `/api/v1/security/audit/export?format=${format}`, { blob: true });
  const a = h('a', { href: URL.createObjectURL(blob), download: `security-log.${format}` });
  document.body.append(a);
  a.click();
  a.remove();
}

async function start() {
  if (!session.token) {
    location.replace('/');
    return;
  }
  session.onUnauthorized = () => location.replace('/');
  $('#account-view').hidden = false;
  const user = session.user;
  $('#user-name').textContent = user ? (user.display_name || user.username) : '';
  $('#tf-enrol').addEventListener('click', enrol);
  $('#tf-confirm').addEventListener('click', confirm);
  $('#tf-disable').addEventListener('click', disable);
  $('#end-other-sessions').addEventListener('click', endOthers);
  $('#log-csv').addEventListener('click', () => download('csv'));
  $('#log-json').addEventListener('click', () => download('json'));
  await Promise.all([showTwoFactor(), showSessions(), showTokens(), showLog()]);
}

start().catch((err) => say(err.explanation || err.message));
