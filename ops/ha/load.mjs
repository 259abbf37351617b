// The drill's clients (Node 20, no packages; run with --experimental-websocket):
//   writers   create a task, move it, comment on it, read it, in a loop; every POST carries an
//             Idempotency-Key and is retried with the same key until it is acknowledged (2xx)
//   sockets   WebSocket subscribers of the board that resume with last_event_id after a disconnect
//   receiver  a webhook endpoint recording every delivery's X-Kanban-Event-Id
//   exports   every EXPORT_EVERY-th round a writer exports the board as CSV (a heavy read, served by the
//             read replica when it has the writer's writes) and checks its own new task is in it
// It runs until the file STOP exists, then waits until the sockets and the receiver have been quiet
// for QUIET_MS, and writes everything it saw to OUT (JSON) for verify.py.
import http from 'node:http';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';

const env = process.env;
const BASE = env.BASE, TOKEN = env.TOKEN, BOARD = Number(env.BOARD);
const COLUMNS = JSON.parse(env.COLUMNS);            // [todo, doing] column ids
const WRITERS = Number(env.WRITERS || 4), SOCKETS = Number(env.SOCKETS || 3);
const TIMEOUT_MS = Number(env.TIMEOUT_MS || 10000), QUIET_MS = Number(env.QUIET_MS || 8000);
const READS = env.READS !== 'false';
const EXPORT_EVERY = Number(env.EXPORT_EVERY || 5);
const ryw = { checked: 0, missing: [] };  // read-your-writes: exports after the writer's own create
const t0 = Date.now();
const acks = [];          // {kind, key, task_id, column_id?, comment_id?, at}
const attempts = [];      // every response or failure that was not a 2xx: {kind, status, type, problem, at, ms}
let requests = 0, maxMs = 0, timeouts = 0;
let stopping = false;

function headers(extra = {}) {
  return { 'Authorization': 'Bearer ' + TOKEN, 'Content-Type': 'application/json', ...extra };
}

// one request; never throws: {status, body, ctype, ms} or {status: 0, error}
async function send(method, path, body, key) {
  const start = Date.now();
  requests++;
  try {
    const res = await fetch(BASE + path, {
      method, headers: headers(key ? { 'Idempotency-Key': key } : {}),
      body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    const ms = Date.now() - start;
    maxMs = Math.max(maxMs, ms);
    return { status: res.status, body: text, ctype: res.headers.get('content-type') || '', ms, retryAfter: res.headers.get('retry-after') };
  } catch (e) {
    const ms = Date.now() - start;
    maxMs = Math.max(maxMs, ms);
    if (e.name === 'TimeoutError') timeouts++;
    return { status: 0, error: e.name + ': ' + (e.cause?.code || e.message), ms };
  }
}

// retried with the same Idempotency-Key until acknowledged (or 200 s). A 409 idempotency-in-progress
// is retried too: a request cut off by the failover can leave its key claimed until the service
// takes the stale claim over (2 minutes); these waits are counted and reported by verify.py.
async function write(kind, method, path, body) {
  const key = randomUUID();
  const deadline = Date.now() + 200000;
  for (;;) {
    const r = await send(method, path, body, key);
    if (r.status >= 200 && r.status < 300) {
      const json = r.body ? JSON.parse(r.body) : {};
      return { json, key };
    }
    let type = null;
    try { type = JSON.parse(r.body).type; } catch { /* not JSON */ }
    attempts.push({ kind, status: r.status, error: r.error, problem: (r.ctype || '').startsWith('application/problem+json'), type,
      at: Date.now(), ms: r.ms });
    if (Date.now() > deadline) throw new Error(kind + ' not acknowledged within 200 s: ' + (r.error || r.status));
    await new Promise(res => setTimeout(res, r.status === 503 ? 250 : 100));
  }
}

async function read(path) {
  const r = await send('GET', path);
  if (!(r.status >= 200 && r.status < 300)) {
    let type = null;
    try { type = JSON.parse(r.body).type; } catch { /* not JSON */ }
    attempts.push({ kind: 'read', status: r.status, error: r.error, problem: (r.ctype || '').startsWith('application/problem+json'),
      type, at: Date.now(), ms: r.ms });
  }
}

async function writer(n) {
  let i = 0;
  while (!stopping) {
    i++;
    const created = await write('create', 'POST', '/api/v1/tasks', { board_id: BOARD, column_id: COLUMNS[0], title: `drill w${n} #${i}` });
    const id = created.json.id;
    acks.push({ kind: 'create', key: created.key, task_id: id, at: Date.now() });
    const moved = await write('move', 'POST', `/api/v1/tasks/${id}/move`, { column_id: COLUMNS[1] });
    acks.push({ kind: 'move', key: moved.key, task_id: id, column_id: COLUMNS[1], at: Date.now() });
    const commented = await write('comment', 'POST', `/api/v1/tasks/${id}/comments`, { body: `comment w${n} #${i}` });
    acks.push({ kind: 'comment', key: commented.key, task_id: id, comment_id: commented.json.id, at: Date.now() });
    if (READS) await read(`/api/v1/tasks/${id}`);
    if (EXPORT_EVERY > 0 && i % EXPORT_EVERY === 0) {
      const r = await send('GET', `/api/v1/export/csv?board_id=${BOARD}`);
      if (r.status === 200) {
        ryw.checked++;
        if (!r.body.includes('\n' + id + ',')) ryw.missing.push(id);
      } else {
        attempts.push({ kind: 'export', status: r.status, error: r.error, problem: (r.ctype || '').startsWith('application/problem+json'),
          at: Date.now(), ms: r.ms });
      }
    }
  }
}

// WebSocket subscribers that resume after a disconnect
const sockets = [];
let lastHeard = Date.now();
function subscriber(n) {
  const s = { n, events: new Set(), dup: 0, connects: 0, last: null, closed: false };
  sockets.push(s);
  const url = BASE.replace(/^http/, 'ws') + '/ws';
  const open = () => {
    if (s.closed) return;
    s.connects++;
    const ws = new WebSocket(url, ['bearer', TOKEN]);
    s.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'subscribe_board', board_id: BOARD, ...(s.last !== null ? { last_event_id: s.last } : {}) }));
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.type === 'heartbeat') { ws.send(JSON.stringify({ type: 'heartbeat_response' })); return; }
      if (msg.type === 'subscribed' && s.last === null) { s.last = msg.cursor ?? 0; s.start = s.last; }
      if (msg.event && msg.board_id === BOARD) {
        lastHeard = Date.now();
        if (s.events.has(msg.event_id)) s.dup++;
        s.events.add(msg.event_id);
        s.last = Math.max(s.last ?? 0, msg.event_id);
      }
    };
    ws.onclose = () => { if (!s.closed) setTimeout(open, 200); };
    ws.onerror = () => { /* onclose follows */ };
  };
  open();
}

// the webhook receiver
const hooks = new Map();  // event id -> deliveries
const receiver = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const id = Number(req.headers['x-kanban-event-id']);
    hooks.set(id, (hooks.get(id) || 0) + 1);
    lastHeard = Date.now();
    res.writeHead(200).end();
  });
});

async function main() {
  await new Promise(r => receiver.listen(Number(env.HOOK_PORT), '127.0.0.1', r));
  for (let i = 0; i < SOCKETS; i++) subscriber(i);
  await new Promise(r => setTimeout(r, 1500)); // subscribed before the first write
  const running = [];
  for (let i = 0; i < WRITERS; i++) running.push(writer(i));
  while (!fs.existsSync(env.STOP)) await new Promise(r => setTimeout(r, 200));
  stopping = true;
  await Promise.all(running);
  const stoppedAt = Date.now();
  while (Date.now() - lastHeard < QUIET_MS) await new Promise(r => setTimeout(r, 200));
  for (const s of sockets) { s.closed = true; s.ws?.close(); }
  receiver.close();
  const out = {
    started_at: t0, stopped_at: stoppedAt, requests, max_request_ms: maxMs, timeouts, acks, failures: attempts,
    sockets: sockets.map(s => ({ n: s.n, start: s.start, connects: s.connects, duplicates: s.dup, events: [...s.events] })),
    webhook: Object.fromEntries(hooks), read_your_writes: ryw,
  };
  fs.writeFileSync(env.OUT, JSON.stringify(out));
  process.exit(0);
}
main().catch(e => { console.error(e); process.exit(1); });
