// The REST client: bearer token from sessionStorage, the chosen workspace as X-Workspace-Id, and
// RFC 9457 problem documents turned into ApiError (status, title, detail, and the problem's fields).

const TOKEN_KEY = 'agent-kanban.token';
const USER_KEY = 'agent-kanban.user';
const EXPIRY_KEY = 'agent-kanban.expiry'; // {expires_at, expires_in} of the token, for renewing it in time

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `request failed (${status})`);
    this.status = status;
    this.problem = problem;
  }

  /** What to tell a person: the server's explanation, plus the fields it rejected that it does not already name. */
  get explanation() {
    const errors = this.problem.errors || this.problem.field_errors || [];
    const fields = Array.isArray(errors)
      ? errors.map((e) => `${e.field || e.name}: ${e.message || e.detail}`).filter((f) => !this.message.includes(f))
      : [];
    return fields.length ? `${this.message} (${fields.join('; ')})` : this.message;
  }
}

let workspaceId = null;
let onUnauthorized = () => {};

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  get user() {
    try { return JSON.parse(sessionStorage.getItem(USER_KEY)); } catch { return null; }
  },
  /** Keeps a session; `issued` is the sign-in's answer (its expires_at and expires_in say when to renew). */
  store(token, user, issued) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
    if (issued?.expires_at) {
      sessionStorage.setItem(EXPIRY_KEY, JSON.stringify({ expires_at: issued.expires_at, expires_in: issued.expires_in }));
    }
  },
  /** When the token expires and how long it was issued for (ms since the epoch, ms), or null when unknown. */
  get expiry() {
    try {
      const e = JSON.parse(sessionStorage.getItem(EXPIRY_KEY));
      const at = Date.parse(e?.expires_at);
      return Number.isFinite(at) ? { at, lifetime: (Number(e.expires_in) || 0) * 1000 } : null;
    } catch {
      return null;
    }
  },
  /** Forgets the signed-in person: their token, their user, and the workspace they were in. */
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    sessionStorage.removeItem(EXPIRY_KEY);
    workspaceId = null;
  },
  get workspaceId() { return workspaceId; },
  set workspaceId(id) { workspaceId = id; },
  /**
   * Called when a request answers 401 (the session expired or was revoked), with the error and the token
   * the request was sent with: requests sent together each call it, and one sent before a new sign-in
   * may answer after it.
   */
  set onUnauthorized(fn) { onUnauthorized = fn; },
};

let writes = 0;

/**
 * Whether a write of this page (any request but a GET) is on its way: a live event of this person's
 * own may then be its own change, which often comes before the answer.
 */
export const writing = () => writes > 0;

/**
 * Calls the API. Options: body (JSON), form (FormData), ifMatch (a version number), blob (answer as
 * a Blob). Answers the parsed JSON (null for 204); throws ApiError (status 0 when the network failed).
 */
export async function api(method, path, opts = {}) {
  if (method === 'GET') return call(method, path, opts);
  writes += 1;
  try {
    return await call(method, path, opts);
  } finally {
    writes -= 1;
  }
}

async function call(method, path, { body, form, ifMatch, blob }) {
  const headers = { Accept: blob ? '*/*' : 'application/json' };
  const token = session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (workspaceId != null) headers['X-Workspace-Id'] = String(workspaceId);
  if (ifMatch != null) headers['If-Match'] = `"${ifMatch}"`;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, { title: 'Network error', detail: 'the server cannot be reached; check your connection' });
  }
  if (res.ok) {
    if (blob) return res.blob();
    if (res.status === 204) return null;
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }
  let problem;
  try {
    problem = await res.json();
  } catch {
    problem = { title: res.statusText, detail: `${method} ${path} answered ${res.status}` };
  }
  const error = new ApiError(res.status, problem || {});
  error.retryAfter = res.headers.get('Retry-After'); // seconds, on 429 and 503
  if (res.status === 401 && token && !path.endsWith('/auth/login')) onUnauthorized(error, token);
  throw error;
}

export const get = (path, opts) => api('GET', path, opts);
export const post = (path, body, opts = {}) => api('POST', path, { ...opts, body });
export const patch = (path, body, opts = {}) => api('PATCH', path, { ...opts, body });
export const put = (path, body, opts = {}) => api('PUT', path, { ...opts, body });
export const del = (path, opts) => api('DELETE', path, opts);

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
