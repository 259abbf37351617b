// Toasts and small modal dialogs (confirm, prompt) built on <dialog>: no window.confirm, so the
// wording can name what will be lost, and tests can drive it like any other page element.
import { h } from './dom.js';

/** A brief message in the corner; kind is 'info', 'ok' or 'error'. Errors stay longer. */
export function toast(message, kind = 'info') {
  if (kind === 'error') console.warn(message); // visible in the browser's log too
  const region = document.getElementById('toasts');
  const el = h('div', { class: ['toast', `toast-${kind}`], role: kind === 'error' ? 'alert' : 'status' },
    h('span', { class: 'toast-text' }, message),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', on: { click: () => el.remove() } }, '×'));
  region.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 9000 : 4000);
  return el;
}

/**
 * A modal dialog; resolves with what `collect` returns on OK, or null when cancelled. `collect` may
 * answer a promise (a save): the dialog stays open, with what was typed, until it settles, and stays
 * open when it answers undefined (the save was refused).
 */
function modal({ title, body, okLabel = 'OK', danger = false, collect = () => true, id }) {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'submit', class: danger ? 'danger' : 'primary', 'data-role': 'ok' }, okLabel);
    const cancel = h('button', { type: 'button', 'data-role': 'cancel' }, 'Cancel');
    const form = h('form', { method: 'dialog', class: 'modal-form' },
      h('h2', {}, title), body, h('div', { class: 'actions' }, cancel, ok));
    const dialog = h('dialog', { class: 'modal', id }, form);
    let result = null;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (ok.disabled) return;
      ok.disabled = true;
      let answer;
      try {
        answer = await collect();
      } finally {
        ok.disabled = false;
      }
      if (answer === undefined) return; // invalid input, or a refused save: keep the dialog open
      result = answer;
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    (dialog.querySelector('input, select, textarea') || ok).focus();
  });
}

/** Asks before something irreversible; resolves true only on an explicit yes. */
export async function confirmDialog({ title, message, okLabel = 'Delete', danger = true }) {
  const answer = await modal({ title, body: h('p', { class: 'confirm-message' }, message), okLabel, danger, id: 'confirm-dialog' });
  return answer === true;
}

/** Asks for one line of text; resolves with the trimmed text or null. */
export function promptDialog({ title, label, value = '', okLabel = 'Save', maxLength = 200 }) {
  const input = h('input', { type: 'text', name: 'value', value, required: true, maxlength: maxLength, autocomplete: 'off' });
  return modal({
    title, okLabel, id: 'prompt-dialog',
    body: h('label', { class: 'field' }, h('span', {}, label), input),
    collect: () => (input.value.trim() ? input.value.trim() : undefined),
  });
}

/** A modal with arbitrary content; `collect` validates and returns the result (undefined keeps it open). */
export function formDialog(opts) {
  return modal(opts);
}
