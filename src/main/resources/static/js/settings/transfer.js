// Import and export: upload a TODO.md, a Trello board export, a CSV or a workspace JSON document; a
// dry run shows what would be created, mapped and skipped before anything is written; the upload
// shows its progress (percent sent), then the server's own count of the items it went through ("1,200
// of 5,000 cards", read from GET /api/v1/import/progress/{id}, which any instance answers); the report
// follows. Export downloads the board (TODO.md, CSV) or the workspace (JSON).
import { get, api, session, query } from '../api.js';
import { h, options } from '../dom.js';
import { toast } from '../ui.js';
import { block, field } from './parts.js';

const FORMATS = {
  todo: { label: 'TODO.md', path: '/api/v1/import/todo-md', type: 'text/markdown', preview: true, target: true },
  trello: { label: 'Trello board (JSON)', path: '/api/v1/import/trello', type: 'application/json', preview: true },
  csv: { label: 'CSV', path: '/api/v1/import/csv', type: 'text/csv', preview: true, target: true },
  json: { label: 'Workspace (JSON backup)', path: '/api/v1/import/json', type: 'application/json', preview: false },
};

/** The format a file probably has, from its name and (for JSON) its first bytes. */
async function guess(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith('.md') || name.endsWith('.markdown') || name.endsWith('.txt')) return 'todo';
  if (name.endsWith('.csv')) return 'csv';
  const head = await file.slice(0, 4096).text();
  return /"(lists|cards|idBoard)"\s*:/.test(head) ? 'trello' : 'json';
}

/** A random (version 4) UUID: the id the page chooses for the import's progress. */
function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID(); // only in secure contexts (HTTPS, localhost)
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Asks the server how far the import {@code id} is, every half second until {@code stop()} is called,
 * passing each answer to {@code onProgress}. A 404 means the import has not started yet (the body is
 * still on its way), and any other failure is skipped: the import's own answer decides.
 */
function follow(id, onProgress) {
  let stopped = false;
  let timer = null;
  const ask = async () => {
    try {
      const p = await get(`/api/v1/import/progress/${id}`);
      if (!stopped && p.state === 'running') onProgress(p);
    } catch { /* not started yet, or a moment's failure */ }
    if (!stopped) timer = setTimeout(ask, 500);
  };
  timer = setTimeout(ask, 200);
  return () => { stopped = true; clearTimeout(timer); };
}

/**
 * POSTs the file as the raw request body of its format's type (a form upload would be held to the
 * smaller upload limit instead of IMPORT_MAX_BYTES, refusing a 10 MB Trello export), reporting upload progress (0..1, then null once the whole body is
 * sent and the server is working); answers the parsed report.
 */
function upload(path, type, file, progressId, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-Progress-Id', progressId);
    if (session.token) xhr.setRequestHeader('Authorization', `Bearer ${session.token}`);
    if (session.workspaceId != null) xhr.setRequestHeader('X-Workspace-Id', String(session.workspaceId));
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    // the body is sent: what remains is the server's parsing and writing (one transaction)
    xhr.upload.onload = () => onProgress(null);
    xhr.onload = () => {
      let body = null;
      try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { body = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(Object.assign(new Error(body?.detail || body?.title || `import failed (${xhr.status})`), { status: xhr.status, problem: body }));
    };
    xhr.onerror = () => reject(new Error('the server cannot be reached'));
    xhr.setRequestHeader('Content-Type', type);
    xhr.send(file);
  });
}

/** A report object as a list of its fields (arrays and nested objects summarised). */
function report(obj) {
  const show = (v) => {
    if (v === null || v === undefined) return '—';
    if (Array.isArray(v)) {
      if (!v.length) return 'none';
      return h('ul', {}, v.map((x) => h('li', {}, typeof x === 'object' ? Object.entries(x).map(([k, y]) => `${k}: ${Array.isArray(y) ? y.join(', ') : y}`).join(' · ') : String(x))));
    }
    if (typeof v === 'object') return Object.entries(v).map(([k, y]) => `${k}: ${y}`).join(', ') || 'none';
    return String(v);
  };
  return h('dl', { class: 'report' }, Object.entries(obj).flatMap(([k, v]) => [h('dt', {}, k.replaceAll('_', ' ')), h('dd', {}, show(v))]));
}

export async function transferTab(panel, ctx) {
  const boards = (await get(`/api/v1/boards${query({ limit: 500 })}`)).items;
  const file = h('input', { type: 'file', id: 'import-file', accept: '.md,.markdown,.txt,.csv,.json', required: true });
  const format = h('select', { id: 'import-format' }, options(Object.entries(FORMATS).map(([k, f]) => [k, f.label]), 'todo'));
  const target = h('select', { id: 'import-board' }, options([['', 'a new board'], ...boards.map((b) => [b.id, b.name])], ''));
  const newName = h('input', { type: 'text', id: 'import-name', maxlength: 200, placeholder: 'Name of the new board' });
  const progress = h('progress', { id: 'import-progress', max: 1, value: 0, hidden: true, 'aria-label': 'Import progress' });
  const progressStatus = h('p', { id: 'import-progress-status', role: 'status', class: 'muted', hidden: true });
  const result = h('div', { id: 'import-result', 'aria-live': 'polite' });
  let counted = false; // the server's count, once it came, wins over the upload's end
  const showProgress = (x) => {
    if (x === null) {
      if (counted) return;
      progress.removeAttribute('value'); // indeterminate: the upload is done, the import runs
      progressStatus.textContent = 'Uploaded; the server is importing…';
    } else {
      progress.value = x;
      progressStatus.textContent = `Uploading… ${Math.round(x * 100)}%`;
    }
  };
  const showCount = (p) => {
    if (!p.done && p.total == null) return;
    counted = true;
    const verb = p.dry_run ? 'Previewing' : 'Importing';
    if (p.total) {
      progress.value = p.done / p.total;
      progressStatus.textContent = `${verb}… ${p.done.toLocaleString()} of ${p.total.toLocaleString()} ${p.unit}`;
    } else {
      progress.removeAttribute('value');
      progressStatus.textContent = `${verb}… ${p.done.toLocaleString()} ${p.unit}`;
    }
  };
  const previewButton = h('button', { type: 'button', id: 'import-preview' }, 'Preview');
  const confirmButton = h('button', { type: 'button', class: 'primary', id: 'import-confirm', disabled: true }, 'Import');

  file.addEventListener('change', async () => {
    confirmButton.disabled = true;
    result.replaceChildren();
    if (file.files[0]) format.value = await guess(file.files[0]);
  });
  format.addEventListener('change', () => { confirmButton.disabled = true; });

  const params = (dryRun) => {
    const f = FORMATS[format.value];
    const p = { dry_run: dryRun || null };
    if (f.target) {
      if (target.value) p.board_id = target.value;
      else if (newName.value.trim()) p.board = newName.value.trim();
    }
    if (format.value === 'trello' && newName.value.trim()) p.name = newName.value.trim();
    return query(p);
  };

  async function send(dryRun) {
    const chosen = file.files[0];
    if (!chosen) {
      toast('Choose a file first.', 'error');
      return;
    }
    const f = FORMATS[format.value];
    progress.hidden = false;
    progressStatus.hidden = false;
    showProgress(0);
    previewButton.disabled = true;
    confirmButton.disabled = true;
    const id = uuid();
    counted = false;
    const stop = follow(id, showCount);
    try {
      const r = await upload(`${f.path}${params(dryRun)}`, f.type, chosen, id, showProgress);
      progress.value = 1;
      result.replaceChildren(h('div', { class: `panel-notice ${dryRun ? 'notice-info' : 'notice-ok'}`, id: dryRun ? 'import-preview-report' : 'import-report' },
        h('h4', {}, dryRun ? 'Preview: nothing has been written yet' : 'Imported'), report(r)));
      confirmButton.disabled = !dryRun;
      if (!dryRun) {
        toast('Import finished.', 'ok');
        ctx.onImported?.(r);
      }
    } catch (err) {
      result.replaceChildren(h('div', { class: 'panel-notice notice-conflict', role: 'alert' }, `Import refused: ${err.message}`,
        err.problem?.errors ? report({ errors: err.problem.errors }) : null));
    } finally {
      stop();
      previewButton.disabled = false;
      progress.hidden = true;
      progressStatus.hidden = true;
    }
  }

  previewButton.addEventListener('click', async () => {
    if (FORMATS[format.value].preview) {
      await send(true);
      return;
    }
    // a workspace document has no server-side dry run: summarise it here before restoring
    try {
      const doc = JSON.parse(await file.files[0].text());
      const tasks = (doc.boards || []).reduce((n, b) => n + (b.tasks || []).length, 0);
      result.replaceChildren(h('div', { class: 'panel-notice notice-info', id: 'import-preview-report' },
        h('h4', {}, 'Preview: nothing has been written yet'),
        report({ boards: (doc.boards || []).map((b) => b.name), tasks, tags: (doc.tags || []).length, note: 'A workspace backup restores into a workspace without boards.' })));
      confirmButton.disabled = false;
    } catch (err) {
      toast(`Not a workspace document: ${err.message}`, 'error');
    }
  });
  confirmButton.addEventListener('click', () => send(false));

  const board = ctx.boardId;
  const download = async (path, name) => {
    try {
      const blob = await api('GET', path, { blob: true });
      const a = h('a', { href: URL.createObjectURL(blob), download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    } catch (err) {
      toast(`Export failed: ${err.explanation || err.message}`, 'error');
    }
  };
  const exports = h('div', { class: 'row-actions' },
    board ? h('button', { type: 'button', id: 'export-todo', on: { click: () => download(`/api/v1/export/todo-md${query({ board_id: board })}`, 'TODO.md') } }, 'Board as TODO.md') : null,
    board ? h('button', { type: 'button', id: 'export-csv', on: { click: () => download(`/api/v1/export/csv${query({ board_id: board })}`, 'board.csv') } }, 'Board as CSV') : null,
    h('button', { type: 'button', id: 'export-json', on: { click: () => download('/api/v1/export/json', 'workspace.json') } }, 'Workspace as JSON'));

  panel.replaceChildren(
    block('Import', h('div', { class: 'settings-form', id: 'import-form' },
      field('File', file), field('Format', format), field('Into', target, 'TODO.md and CSV go into a board'), field('New board name', newName),
      h('div', { class: 'row-actions' }, previewButton, confirmButton), progress, progressStatus, result)),
    block('Export', h('p', { class: 'muted' }, 'The board shown last, or the whole workspace with archive and trash.'), exports));
}
