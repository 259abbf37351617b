// Building DOM nodes. User text only ever becomes a text node (or an attribute value): nothing here
// parses HTML, so a payload such as <img src=x onerror=...> in any field shows literally.

/**
 * h('button', {class: 'primary', type: 'button', on: {click}}, 'Save') → an element.
 * Props: class, dataset (object), on (event → handler), hidden, and anything else as an attribute
 * (boolean true → present, false/null/undefined → absent). Children: nodes, strings, numbers, arrays, null.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else if (key === 'style') for (const [k, v] of Object.entries(value)) el.style.setProperty(k, v);
    else if (key === 'value' || key === 'checked' || key === 'selected') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces an element's children as h() appends them: null, undefined and false are left out (the
 * DOM's own replaceChildren would show them as the text "null"), arrays are flattened.
 */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

/** An <option> list for a <select>, marking `selected`. */
export function options(pairs, selected) {
  return pairs.map(([value, label]) => h('option', { value: String(value), selected: String(value) === String(selected ?? '') }, label));
}

/** Black or white text, whichever reads better on a #rrggbb background. */
export function textOn(color) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color || '');
  if (!m) return '#000';
  const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.4 ? '#000' : '#fff';
}

export function isColor(value) {
  return /^#[0-9a-f]{6}$/i.test(value || '');
}

/** "45s", "12m", "3h 5m", "2d 4h". */
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const hrs = Math.floor(m / 60);
  if (hrs < 24) return m % 60 ? `${hrs}h ${m % 60}m` : `${hrs}h`;
  const d = Math.floor(hrs / 24);
  return hrs % 24 ? `${d}d ${hrs % 24}h` : `${d}d`;
}

/** A local date (and time when asked) for an ISO instant. */
export function when(iso, withTime = false) {
  if (!iso) return '';
  const d = new Date(iso);
  return withTime ? d.toLocaleString() : d.toLocaleDateString();
}

/**
 * A due date as a calendar day, 'yyyy-mm-dd' ('' for none). The API takes a date without a time as its
 * first instant in UTC (2031-03-15 is 2031-03-15T00:00:00Z): that is the day itself, the same day in
 * every time zone. A due date with a time of day (set through the API) is the local day of that moment.
 */
export function dueDay(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const dateOnly = d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;
  const parts = dateOnly ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()] : [d.getFullYear(), d.getMonth() + 1, d.getDate()];
  return parts.map((n, i) => String(n).padStart(i ? 2 : 4, '0')).join('-');
}

/** A due date as people read it: its calendar day (dueDay) in the page's date format. */
export function dueLabel(iso) {
  const day = dueDay(iso);
  if (!day) return '';
  const [y, m, d] = day.split('-').map(Number);
  const local = new Date(2000, 0, 1);
  local.setFullYear(y, m - 1, d);
  return local.toLocaleDateString();
}
