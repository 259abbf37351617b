// Where the page is and what it shows live in the URL's query string (?ws=1&board=5&q=login&priority=high),
// so a filtered board can be shared as a link and survives a reload.

export const FILTER_FIELDS = ['q', 'priority', 'epic', 'assignee', 'tag', 'overdue', 'blocked', 'ready'];

/** The location's state: { ws, board, filter: {q, priority, epic, assignee, tag, overdue, blocked, ready} }. */
export function readLocation() {
  const params = new URLSearchParams(window.location.search);
  const filter = {};
  for (const f of FILTER_FIELDS) {
    const v = params.get(f);
    if (v !== null && v.trim() !== '') filter[f] = v.trim();
  }
  for (const flag of ['overdue', 'blocked', 'ready']) if (filter[flag] && filter[flag] !== 'true') delete filter[flag];
  const num = (v) => (v && /^\d+$/.test(v) ? Number(v) : null);
  return { ws: num(params.get('ws')), board: num(params.get('board')), filter };
}

/** Replaces (or, for a new board, pushes) the URL to match the state, without reloading. */
export function writeLocation({ ws, board, filter }, push = false) {
  const params = new URLSearchParams();
  if (ws != null) params.set('ws', ws);
  if (board != null) params.set('board', board);
  for (const f of FILTER_FIELDS) if (filter && filter[f]) params.set(f, filter[f]);
  const search = params.toString();
  const url = `${window.location.pathname}${search ? `?${search}` : ''}`;
  if (url !== `${window.location.pathname}${window.location.search}`) {
    window.history[push ? 'pushState' : 'replaceState'](null, '', url);
  }
}

export function isActive(filter) {
  return FILTER_FIELDS.some((f) => filter && filter[f]);
}

/** The filter as GET /api/v1/tasks parameters. */
export function toQuery(filter) {
  const q = {};
  for (const f of FILTER_FIELDS) if (filter[f]) q[f] = filter[f];
  return q;
}
