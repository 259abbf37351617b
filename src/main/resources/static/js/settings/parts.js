// The building blocks the settings tabs share: titled blocks, labelled fields, tables and secrets
// shown once with a copy button.
import { h } from '../dom.js';

/** A titled block of a settings tab. */
export function block(title, ...children) {
  return h('section', { class: 'settings-block' }, h('h3', {}, title), ...children);
}

/** A labelled form field. */
export function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', { class: 'muted' }, hint) : null);
}

/**
 * A table with a header row; `rows` are arrays of cells (nodes or text). Each cell carries its column's
 * name, which heads the cell when the rows stack at phone width (app.css).
 */
export function table(label, headers, rows, empty = 'None yet.') {
  if (!rows.length) return h('p', { class: 'muted' }, empty);
  return h('div', { class: 'table-scroll' }, h('table', { class: 'settings-table', 'aria-label': label },
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => h('td', headers[i] ? { dataset: { label: headers[i] } } : {}, c)))))));
}

/** A secret shown once, with a copy button (the clipboard API, falling back to selecting the text). */
export function secretBox(label, value, id) {
  const input = h('input', { type: 'text', readonly: true, value, id, class: 'secret', 'aria-label': label, on: { focus: (e) => e.target.select() } });
  const copied = h('span', { class: 'muted', role: 'status' });
  const copy = h('button', { type: 'button', class: 'copy', 'aria-label': `Copy ${label}`, on: { click: async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      input.select();
      document.execCommand?.('copy');
    }
    copied.textContent = 'Copied.';
  } } }, 'Copy');
  return h('div', { class: 'secret-box' }, input, copy, copied);
}
