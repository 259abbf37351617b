// The web board's entry point: sign-in, workspace and board choice, board management, the filter
// bar (kept in the URL), and wiring the board, the card panel and live updates together.
import { get, post, patch, del, session, query } from './api.js';
import { $, h, options } from './dom.js';
import { toast, confirmDialog, promptDialog } from './ui.js';
import { readLocation, writeLocation, FILTER_FIELDS, FIELD_PREFIX, fieldConditions } from './filter.js';
import { editFields, loadFields } from './fields.js';
import { SavedViewsBar } from './views.js';
import { BoardView } from './board.js';
import { CardPanel } from './panel.js';
import { LiveUpdates } from './live.js';
import { editColumns } from './columns.js';
import { openRules } from './rules.js';
import { openArchive } from './archive.js';
import { showSettings } from './settings.js';
import { newBoardDialog, saveAsTemplate } from './templates.js';
import { Inbox } from './inbox.js';
import { rememberNext, followNext } from './next.js';

const TIMES_EVERY_MS = 60000;
const RENEW_CHECK_MS = 30000;

const app = {
  workspaces: [],
  workspace: null,
  boards: [],
  boardId: null,
  filter: {},
  view: null,
  panel: null,
  live: null,
  timesTimer: null,
  settingsTab: null,
  inbox: null,
  views: null,
  draft: null, // a card's unsaved edits kept over a sign-in (sessionEnded)
};

// ---- sign-in ---------------------------------------------------------------------------------

/**
 * The session is renewed while the page is in use, so that nobody is signed out mid-edit: once the
 * token is in the second half of its life, the next click or key press (or the check every 30 s after
 * one) gets a new token of the same session (POST /api/v1/auth/renew). A page nobody touches lets it
 * expire.
 */
const renewal = { usedAt: 0, running: false };

async function renewIfDue() {
  const expiry = session.expiry;
  if (!session.token || !expiry || renewal.running) return;
  const issuedAt = expiry.at - expiry.lifetime;
  if (Date.now() < expiry.at - expiry.lifetime / 2 || renewal.usedAt <= issuedAt) return;
  renewal.running = true;
  try {
    const s = await post('/api/v1/auth/renew');
    session.store(s.access_token, s.user, s);
  } catch {
    // a 401 is handled as any other (the page keeps the card's edits); otherwise the next use retries
  } finally {
    renewal.running = false;
  }
}

function watchUse() {
  const used = () => {
    renewal.usedAt = Date.now();
    renewIfDue();
  };
  window.addEventListener('pointerdown', used, { capture: true, passive: true });
  window.addEventListener('keydown', used, { capture: true, passive: true });
  setInterval(renewIfDue, RENEW_CHECK_MS);
}

/**
 * The session ended (expired, or ended elsewhere): the sign-in form, keeping the open card's unsaved
 * edits, which come back on the card when the same person signs in again.
 */
function sessionEnded(error, token) {
  // only the session in use ends, once: not again for its other requests answered 401 (by then its
  // person and edits are forgotten), nor a new one for a request sent before signing in again
  if (token !== session.token) return;
  const draft = app.panel?.draft();
  if (draft) app.draft = { ...draft, username: session.user?.username };
  session.clear();
  showLogin(app.draft
    ? 'Your session has ended. Sign in again to keep your unsaved changes to the card.'
    : 'Your session has ended. Please sign in again.');
}

/** Puts back a card's unsaved edits kept when the session ended, when the same person signed in. */
function restoreDraft() {
  const draft = app.draft;
  app.draft = null;
  if (draft && app.panel && draft.username === session.user?.username) app.panel.restore(draft);
}

function showLogin(message = '') {
  teardown();
  app.inbox?.stop();
  forgetPerson();
  $('#app-view').hidden = true;
  $('#login-view').hidden = false;
  $('#login-message').textContent = message;
  $('#login-username').focus();
  offerSingleSignOn();
}

/**
 * Forgets what belonged to the person signed in (their workspaces, boards and the workspace's tag
 * names), so that someone else signing in in this tab starts from their own.
 */
function forgetPerson() {
  session.workspaceId = null;
  Object.assign(app, { workspaces: [], workspace: null, boards: [], boardId: null, settingsTab: null });
  $('#workspace-select').replaceChildren();
  $('#board-select').replaceChildren();
  document.getElementById('tag-names')?.remove();
  settingsShown(false);
}

/** Shows "Sign in with <provider>" when the server has single sign-on (OIDC) configured. */
async function offerSingleSignOn() {
  let offer;
  try {
    offer = await get('/api/v1/auth/sso');
  } catch {
    return; // the password form still works
  }
  if (!offer?.enabled) return;
  const link = $('#sso-link');
  link.textContent = `Sign in with ${offer.provider_name}`;
  link.href = offer.login_url;
  $('#sso-note').hidden = !offer.sso_only;
  $('#sso-login').hidden = false;
}

/**
 * The end of a single sign-on: the server sent the browser back with a single-use code after '#',
 * which never reaches a server log. It is removed from the address at once and exchanged for the
 * same session a password sign-in gives. Answers whether there was one.
 */
async function finishSingleSignOn() {
  const match = /^#sso=(sso_[A-Za-z0-9_-]{1,90})$/.exec(window.location.hash);
  if (!match) return false;
  history.replaceState(null, '', window.location.pathname + window.location.search);
  try {
    const s = await post('/api/v1/auth/sso/exchange', { code: match[1] });
    session.store(s.access_token, s.user, s);
    if (followNext()) return true;
    await enter();
  } catch (err) {
    showLogin(`Single sign-on did not complete: ${err.explanation || err.message}`);
  }
  return true;
}

async function login(e) {
  e.preventDefault();
  const form = e.currentTarget;
  const button = $('#login-submit');
  button.disabled = true;
  let signedIn = false;
  try {
    const codeField = $('#login-code-field');
    const code = codeField.hidden ? undefined : form.code.value.trim() || undefined;
    const s = await post('/api/v1/auth/login', { username: form.username.value.trim(), password: form.password.value, code });
    session.store(s.access_token, s.user, s);
    signedIn = true;
    form.password.value = '';
    form.code.value = '';
    codeField.hidden = true;
    if (followNext()) return; // back to the page that sent the visitor to sign in (an invitation link)
  } catch (err) {
    if (err.status === 401 && err.problem.two_factor_required) {
      // the password was right: this account also needs its second factor
      const codeField = $('#login-code-field');
      const asked = !codeField.hidden;
      codeField.hidden = false;
      form.code.value = '';
      $('#login-code').focus();
      $('#login-message').textContent = asked && !err.problem.type?.endsWith('/two-factor-required')
        ? 'Wrong, expired or already used code.'
        : 'Enter the code from your authenticator app, or a recovery code.';
      return;
    }
    $('#login-message').textContent = err.status === 401 || err.status === 422
      ? 'Wrong username or password.'
      : `Cannot sign in: ${err.explanation || err.message}`;
  } finally {
    button.disabled = false;
  }
  if (!signedIn) return;
  try {
    await enter();
  } catch (err) {
    // signed in, but the page cannot load: say so on the sign-in form (enter() has hidden it)
    if (err.status !== 401) showLogin(`Cannot load: ${err.explanation || err.message}`);
  }
}

async function signOut() {
  let ended = null;
  try {
    ended = await post('/api/v1/auth/logout');
  } catch {
    // the token is dropped here either way
  }
  session.clear();
  if (ended?.end_session_url) {
    // signed in through the identity provider: sign out there too (it sends the browser back here)
    window.location.assign(ended.end_session_url);
    return;
  }
  showLogin('Signed out.');
}

// ---- workspaces and boards ---------------------------------------------------------------------

async function enter() {
  const loc = readLocation();
  app.filter = loc.filter;
  fillFilters();
  $('#login-view').hidden = true;
  $('#app-view').hidden = false;
  const user = session.user;
  $('#user-name').textContent = user ? (user.display_name || user.username) : '';
  app.workspaces = (await get('/api/v1/workspaces?limit=500')).items;
  if (!app.workspaces.length) {
    toast('You are not a member of any workspace yet; ask an admin to add you.', 'error');
    return;
  }
  const preferred = loc.ws ?? user?.default_workspace_id;
  app.workspace = app.workspaces.find((w) => w.id === preferred) || app.workspaces[0];
  session.workspaceId = app.workspace.id;
  $('#workspace-select').replaceChildren(...options(app.workspaces.map((w) => [w.id, w.name]), app.workspace.id));
  document.body.classList.toggle('read-only', app.workspace.role === 'viewer');
  const params = new URLSearchParams(window.location.search); // read before loading a board rewrites it
  startInbox();
  await loadBoards(loc.board);
  if (params.get('view') === 'settings') openSettings(params.get('tab'));
  // a link from a notification mail (?card=<task id>) opens that card
  const card = params.get('card');
  if (card && /^\d+$/.test(card)) app.panel?.open(Number(card));
  restoreDraft();
}

// ---- settings (tokens, members, workspaces, webhooks, import/export, profile, users) -------------

function settingsShown(shown) {
  $('#settings-view').hidden = !shown;
  for (const id of ['#filters', '#board']) $(id).hidden = shown;
  if (shown) $('#no-boards').hidden = true;
  else $('#no-boards').hidden = !!app.boardId;
  document.querySelectorAll('.board-actions button, #board-select').forEach((b) => { b.disabled = shown || (b.classList.contains('needs-board') && !app.boardId); });
}

function openSettings(tab) {
  settingsShown(true);
  showSettings($('#settings-view'), {
    user: session.user,
    workspace: app.workspace,
    role: app.workspace.role,
    boardId: app.boardId,
    onClose: closeSettings,
    onTab: (id) => {
      app.settingsTab = id;
      const params = new URLSearchParams(window.location.search);
      params.set('view', 'settings');
      params.set('tab', id);
      window.history.replaceState(null, '', `${window.location.pathname}?${params}`);
    },
    onWorkspacesChanged: (workspaces) => {
      app.workspaces = workspaces;
      app.workspace = workspaces.find((w) => w.id === app.workspace.id) || app.workspace;
      $('#workspace-select').replaceChildren(...options(workspaces.map((w) => [w.id, w.name]), app.workspace.id));
    },
    onSwitchWorkspace: async (id) => {
      $('#workspace-select').value = String(id);
      await switchWorkspace(id);
      openSettings(app.settingsTab);
    },
    onProfile: (user) => {
      session.store(session.token, { ...session.user, ...user });
      $('#user-name').textContent = user.display_name || user.username;
    },
    onImported: () => loadBoards(app.boardId).then(() => settingsShown(true)),
    onBoardsChanged: () => loadBoards(app.boardId).then(() => settingsShown(true)),
  }, tab);
  $('#settings-panel')?.focus();
}

function closeSettings() {
  app.settingsTab = null;
  settingsShown(false);
  writeLocation({ ws: app.workspace?.id, board: app.boardId, filter: app.filter });
  $('#open-settings').focus();
}

/** The bell of the chosen workspace; a notification opens its card, on its board. */
function startInbox() {
  if (!app.inbox) {
    app.inbox = new Inbox({
      onOpen: async (taskId, boardId) => {
        if (boardId != null && boardId !== app.boardId) {
          $('#board-select').value = String(boardId);
          await loadBoards(boardId);
        }
        app.panel?.open(taskId);
      },
    });
  }
  app.inbox.start();
}

async function switchWorkspace(id) {
  app.workspace = app.workspaces.find((w) => w.id === id);
  session.workspaceId = id;
  document.getElementById('tag-names')?.remove(); // the suggestions were the other workspace's tags
  document.body.classList.toggle('read-only', app.workspace.role === 'viewer');
  startInbox();
  await loadBoards(null);
}

async function loadBoards(preferred) {
  const page = await get(`/api/v1/boards${query({ limit: 500 })}`);
  app.boards = page.items;
  const select = $('#board-select');
  select.replaceChildren(...options(app.boards.map((b) => [b.id, b.name])));
  const chosen = app.boards.find((b) => b.id === preferred) || app.boards[0];
  $('#no-boards').hidden = !!chosen;
  document.querySelectorAll('.needs-board').forEach((b) => { b.disabled = !chosen; });
  if (!chosen) {
    teardown();
    app.boardId = null;
    $('#analytics-link').hidden = true;
    writeLocation({ ws: app.workspace.id, board: null, filter: app.filter });
    return;
  }
  select.value = String(chosen.id);
  await openBoard(chosen.id);
}

function teardown() {
  app.live?.stop();
  app.live = null;
  clearInterval(app.timesTimer);
  app.panel?.close();
  app.view?.destroy();
  app.view = null;
}

async function openBoard(boardId) {
  teardown();
  app.boardId = boardId;
  writeLocation({ ws: app.workspace.id, board: boardId, filter: app.filter });
  const analytics = $('#analytics-link');
  analytics.href = `/analytics.html${query({ ws: app.workspace.id, board: boardId })}`;
  analytics.hidden = false;
  const canEdit = app.workspace.role !== 'viewer';
  const view = new BoardView($('#board'), {
    boardId,
    canEdit,
    filter: app.filter,
    onOpenCard: (id) => app.panel.open(id),
    onTaskChanged: (task, info) => app.panel?.remoteChange(task, info),
    onBoardMeta: (board) => {
      const option = $(`#board-select option[value="${board.id}"]`);
      if (option) option.textContent = board.name;
      document.title = `${board.name} · Agent Kanban`;
    },
  });
  app.view = view;
  view.fields = await loadFields(boardId);
  if (app.view !== view) return;
  fillFieldFilter();
  app.views.show(boardId);
  if (!app.panel) app.panel = new CardPanel(view, { user: session.user, role: app.workspace.role });
  view.onHints = (data) => app.panel?.hintsChanged(data);
  Object.assign(app.panel, { board: view, user: session.user, role: app.workspace.role, canEdit });
  try {
    await view.load();
  } catch (err) {
    // a link's filter the API refuses (?priority=<typo>) is left out, said once, and the board loads
    const refused = (err.status === 400 || err.status === 422 ? err.problem?.errors || [] : [])
      .map((e) => e.field)
      .filter((f) => f && Object.hasOwn(app.filter, f));
    if (!refused.length) {
      toast(`Cannot load the board: ${err.explanation || err.message}`, 'error');
      return;
    }
    const filter = { ...app.filter };
    for (const f of refused) delete filter[f];
    app.filter = view.filter = filter;
    writeLocation({ ws: app.workspace.id, board: boardId, filter });
    fillFilters();
    toast(`The link's filter was left out: ${err.explanation || err.message}`, 'error');
    try {
      await view.load();
    } catch (again) {
      toast(`Cannot load the board: ${again.explanation || again.message}`, 'error');
      return;
    }
  }
  if (app.view !== view) return;
  view.loadTimes();
  app.timesTimer = setInterval(() => app.view === view && view.loadTimes(), TIMES_EVERY_MS);
  app.live = new LiveUpdates({
    boardId,
    workspaceId: app.workspace.id,
    token: () => session.token,
    onEvent: (e) => liveEvent(view, e),
    onNotification: (msg) => app.inbox?.received(msg),
    onResync: () => view.load({ announce: true }).catch(() => {}),
    onStatus: (status) => {
      const el = $('#live-status');
      el.dataset.status = status;
      el.textContent = { live: '● Live', polling: '● Checking for changes', offline: '● Offline, retrying' }[status];
    },
  });
  app.live.start();
}

function liveEvent(view, e) {
  if (app.view !== view) return;
  if (e.event === 'fields_changed') {
    fieldsChanged(view, e.data?.fields);
    return;
  }
  if (e.event === 'views_changed') {
    app.views.refresh(Number(app.views.select.value) || null);
    return;
  }
  if (e.event === 'board_deleted') {
    toast(`${e.actor} deleted this board.`, 'error');
    loadBoards(null);
    return;
  }
  const pending = view.applyEvent(e);
  if (pending && pending.catch) pending.catch(() => {});
}

async function newBoard() {
  const board = await newBoardDialog();
  if (board) await loadBoards(board.id);
}

async function renameBoard() {
  const board = app.view?.board;
  if (!board) return;
  const name = await promptDialog({ title: 'Rename board', label: 'Board name', value: board.name, okLabel: 'Rename' });
  if (!name || name === board.name) return;
  try {
    const updated = await patch(`/api/v1/boards/${board.id}`, { name }, { ifMatch: board.version });
    app.view.board = { ...board, name: updated.name, version: updated.version };
    app.view.onBoardMeta(app.view.board);
    toast('Board renamed.', 'ok');
  } catch (err) {
    toast(`Not renamed: ${err.status === 412 ? 'the board changed meanwhile; try again.' : err.explanation || err.message}`, 'error');
    app.view.load().catch(() => {});
  }
}

async function archiveBoard() {
  const board = app.view?.board;
  if (!board) return;
  const ok = await confirmDialog({
    title: 'Archive board?',
    message: `Archive “${board.name}”? It leaves the board list with all its cards; Settings → Workspaces lists archived boards and restores them.`,
    okLabel: 'Archive board', danger: false,
  });
  if (!ok) return;
  try {
    await post(`/api/v1/boards/${board.id}/archive`);
    toast(`Board “${board.name}” archived.`, 'ok');
    await loadBoards(null);
  } catch (err) {
    toast(`Not archived: ${err.explanation || err.message}`, 'error');
  }
}

async function deleteBoard() {
  const view = app.view;
  if (!view?.board) return;
  const n = view.totalTasks;
  const ok = await confirmDialog({
    title: 'Delete board?',
    message: `Delete the board “${view.board.name}” and its ${n} card${n === 1 ? '' : 's'}, with all their comments, tags and evidence? This cannot be undone.`,
    okLabel: 'Delete board',
  });
  if (!ok) return;
  try {
    await del(`/api/v1/boards/${view.board.id}`);
    toast(`Board “${view.board.name}” deleted.`, 'ok');
    await loadBoards(null);
  } catch (err) {
    toast(`Not deleted: ${err.explanation || err.message}`, 'error');
  }
}

async function archive() {
  if (!app.view) return;
  if (await openArchive(app.view, { role: app.workspace.role })) await app.view.load();
}

async function fields() {
  if (!app.view) return;
  const view = app.view;
  if (await editFields(view, { canEdit: app.workspace.role === 'member' || app.workspace.role === 'admin' })) {
    fieldsChanged(view, await loadFields(view.boardId));
  }
}

/** The board's fields changed (here or elsewhere): cards, the filter bar and an open panel follow. */
function fieldsChanged(view, fields) {
  if (app.view !== view || !Array.isArray(fields)) return;
  view.fields = fields;
  view.cards.clear();
  view.render();
  fillFieldFilter();
}

async function rules() {
  if (!app.view?.board) return;
  const canWrite = app.workspace.role === 'member' || app.workspace.role === 'admin';
  await openRules(app.view, { canWrite, workspaceId: app.workspace.id });
}

async function columns() {
  if (!app.view) return;
  if (await editColumns(app.view)) await app.view.load();
}

// ---- filters -----------------------------------------------------------------------------------

function fillFilters() {
  const form = $('#filters');
  for (const f of FILTER_FIELDS) {
    const el = form.elements[f];
    if (el.type === 'checkbox') el.checked = app.filter[f] === 'true';
    else el.value = app.filter[f] || '';
  }
  fillFieldFilter();
}

/** The custom field filter of the bar: the board's fields to choose from, the first condition of the URL shown. */
function fillFieldFilter() {
  const select = $('#cf-field');
  const input = $('#cf-value');
  const [first] = fieldConditions(app.filter);
  const names = (app.view?.fields || []).map((f) => f.name);
  if (first && !names.includes(first[0])) names.push(first[0]);
  select.replaceChildren(h('option', { value: '' }, 'Custom field'), ...names.map((n) => h('option', { value: n }, n)));
  select.value = first ? first[0] : '';
  input.value = first ? first[1] : '';
  select.hidden = input.hidden = names.length === 0;
}

function readFilters() {
  const form = $('#filters');
  const filter = {};
  for (const f of FILTER_FIELDS) {
    const el = form.elements[f];
    const v = el.type === 'checkbox' ? (el.checked ? 'true' : '') : el.value.trim();
    if (v) filter[f] = v;
  }
  // the bar edits the first custom field condition; further ones (from a link) stay
  const [, ...others] = fieldConditions(app.filter);
  const name = $('#cf-field').value;
  const condition = $('#cf-value').value.trim();
  if (name && condition) filter[FIELD_PREFIX + name] = condition;
  for (const [n, c] of others) if (n !== name) filter[FIELD_PREFIX + n] = c;
  return filter;
}

async function applyFilters(filter) {
  app.filter = filter;
  writeLocation({ ws: app.workspace?.id, board: app.boardId, filter });
  if (app.view) {
    app.view.filter = filter;
    try {
      await app.view.load();
    } catch (err) {
      toast(`Filter not applied: ${err.explanation || err.message}`, 'error');
    }
  }
}

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// ---- start -------------------------------------------------------------------------------------

function wire() {
  $('#login-form').addEventListener('submit', login);
  $('#sign-out').addEventListener('click', signOut);
  $('#workspace-select').addEventListener('change', (e) => switchWorkspace(Number(e.target.value)));
  $('#board-select').addEventListener('change', (e) => openBoard(Number(e.target.value)));
  $('#new-board').addEventListener('click', newBoard);
  $('#create-first-board').addEventListener('click', newBoard);
  $('#rename-board').addEventListener('click', renameBoard);
  $('#delete-board').addEventListener('click', deleteBoard);
  $('#archive-board').addEventListener('click', archiveBoard);
  $('#edit-columns').addEventListener('click', columns);
  $('#edit-fields').addEventListener('click', fields);
  app.views = new SavedViewsBar({
    applyFilter: (filter) => {
      app.filter = filter;
      fillFilters();
      applyFilters(filter);
    },
  });
  app.views.currentFilter = () => app.filter;
  $('#edit-rules').addEventListener('click', rules);
  $('#open-archive').addEventListener('click', archive);
  $('#save-template').addEventListener('click', () => app.view?.board && saveAsTemplate(app.view.board));
  $('#open-settings').addEventListener('click', () => openSettings(app.settingsTab));
  const filters = $('#filters');
  const typed = debounce(() => applyFilters(readFilters()), 300);
  const immediate = (e) => e.target.type === 'checkbox' || e.target.tagName === 'SELECT';
  filters.addEventListener('input', (e) => { if (!immediate(e)) typed(); });
  filters.addEventListener('change', (e) => { if (immediate(e)) applyFilters(readFilters()); });
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    applyFilters(readFilters());
  });
  $('#clear-filters').addEventListener('click', () => {
    filters.reset();
    applyFilters({});
  });
  window.addEventListener('popstate', () => {
    const loc = readLocation();
    app.filter = loc.filter;
    fillFilters();
    if (loc.board && loc.board !== app.boardId) openBoard(loc.board);
    else applyFilters(loc.filter);
  });
  session.onUnauthorized = sessionEnded;
  watchUse();
}

window.addEventListener('unhandledrejection', (e) => {
  console.error('unexpected error', e.reason);
  toast(`Something went wrong: ${e.reason?.explanation || e.reason?.message || e.reason}`, 'error');
});
window.addEventListener('error', (e) => console.error('unexpected error', e.message, e.filename, e.lineno));

wire();
rememberNext();
if (await finishSingleSignOn()) {
  // signed in (or told why not) by the single sign-on's code
} else if (session.token) {
  if (!followNext()) enter().catch((err) => {
    if (err.status !== 401) showLogin(`Cannot load: ${err.explanation || err.message}`);
  });
} else {
  showLogin();
}
