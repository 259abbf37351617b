// Where the page is and what it shows live in the URL's query string (?ws=1&board=5&q=login&priority=high),
// so a filtered board can be shared as a link and survives a reload. Custom field conditions ride along
// as cf.<field name>=<condition>, exactly as the task list API takes them.

export const FILTER_FIELDS = ['q', 'priority', 'epic', 'assignee', 'unassigned', 'tag', 'overdue', 'blocked', 'ready'];
export const FIELD_PREFIX = 'cf.';

/** The custom field conditions of a filter: [[name, condition], ...]. */
export function fieldConditions(filter) {
  return Object.entries(filter || {}).filter(([k, v]) => k.startsWith(FIELD_PREFIX) && v).map(([k, v]) => [k.slice(FIELD_PREFIX.length), v]);
}

/** The location's state: { ws, board, filter: {q, priority, epic, assignee, unassigned, tag, overdue, blocked, ready, cf.*} }. */
export function readLocation() {
  const params = new URLSearchParams(window.location.search);
  const filter = {};
  for (const f of FILTER_FIELDS) {
    const v = params.get(f);
    if (v !== null && v.trim() !== '') filter[f] = v.trim();
  }
  for (const [k, v] of params) {
    if (k.startsWith(FIELD_PREFIX) && k.length > FIELD_PREFIX.length && v.trim() !== '') filter[k] = v.trim();
  }
  for (const flag of ['unassigned', 'overdue', 'blocked', 'ready']) if (filter[flag] && filter[flag] !== 'true') delete filter[flag];
  const num = (v) => (v && /^\d+$/.test(v) ? Number(v) : null);
  return { ws: num(params.get('ws')), board: num(params.get('board')), filter };
}

/** Replaces (or, for a new board, pushes) the URL to match the state, without reloading. */
export function writeLocation({ ws, board, filter }, push = false) {
  const params = new URLSearchParams();
  if (ws != null) params.set('ws', ws);
  if (board != null) params.set('board', board);
  for (const [k, v] of Object.entries(toQuery(filter || {}))) params.set(k, v);
  const search = params.toString();
  const url = `${window.location.pathname}${search ? `?${search}` : ''}`;
  if (url !== `${window.location.pathname}${window.location.search}`) {
    window.history[push ? 'pushState' : 'replaceState'](null, '', url);
  }
}

export function isActive(filter) {
  return Object.keys(toQuery(filter || {})).length > 0;
}

/** The filter as GET /api/v1/tasks parameters. */
export function toQuery(filter) {
  const q = {};
  for (const f of FILTER_FIELDS) if (filter[f]) q[f] = filter[f];
  for (const [name, condition] of fieldConditions(filter)) q[FIELD_PREFIX + name] = condition;
  return q;
}
