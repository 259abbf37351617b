// Custom fields (issue 17): the board's field definitions, the screen that defines them, one form
// control per field for the card panel, and a value as short text for the cards. The server checks
// every value (422 naming fields.<name>); the controls only make the right input easy.
import { get, post, patch, del } from './api.js';
import { h, $, options } from './dom.js';
import { toast, confirmDialog } from './ui.js';

export const FIELD_TYPES = ['text', 'number', 'date', 'single_select', 'multi_select', 'checkbox', 'member', 'url'];
const TYPE_LABELS = {
  text: 'Text', number: 'Number', date: 'Date', single_select: 'Single select', multi_select: 'Multi select',
  checkbox: 'Checkbox', member: 'Member', url: 'URL',
};

/** The board's fields in their order (an empty list when they cannot be read). */
export async function loadFields(boardId) {
  try {
    return await get(`/api/v1/boards/${boardId}/fields`);
  } catch {
    return [];
  }
}

/** A value as short text on a card or in a list. */
export function formatValue(field, value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (field.type === 'checkbox') return value ? '✓' : '✗';
  if (field.type === 'date') return new Date(`${value}T00:00:00`).toLocaleDateString();
  return String(value);
}

/** The visible fields' values of a task, as small labelled chips for its card. */
export function cardFields(fields, task) {
  const shown = fields.filter((f) => f.visible && task.fields && task.fields[f.name] !== undefined);
  if (!shown.length) return null;
  return h('div', { class: 'card-fields' }, shown.map((f) => h('span', { class: 'card-field', dataset: { field: f.name } },
    h('span', { class: 'card-field-name' }, `${f.name}: `), formatValue(f, task.fields[f.name]))));
}

/** A labelled control for a field's value in the card panel; `read()` gives the value to send (null: none). */
export function fieldControl(field, value, disabled) {
  const id = `cf-${field.id}`;
  let control;
  let read;
  switch (field.type) {
    case 'number':
      control = h('input', { type: 'number', step: 'any', id, disabled, value: value ?? '' });
      read = () => (control.value.trim() === '' ? null : Number(control.value));
      break;
    case 'date':
      control = h('input', { type: 'date', id, disabled, value: value ?? '' });
      read = () => control.value || null;
      break;
    case 'checkbox':
      control = h('input', { type: 'checkbox', id, disabled, checked: value === true });
      read = () => (control.checked ? true : value === false ? false : null);
      break;
    case 'single_select':
      control = h('select', { id, disabled }, options([['', '—'], ...field.options.map((o) => [o, o])], value ?? ''));
      read = () => control.value || null;
      break;
    case 'multi_select':
      control = h('select', { id, disabled, multiple: true, size: Math.min(4, field.options.length) },
        field.options.map((o) => h('option', { value: o, selected: Array.isArray(value) && value.includes(o) }, o)));
      read = () => {
        const chosen = Array.from(control.selectedOptions, (o) => o.value);
        return chosen.length ? chosen : null;
      };
      break;
    case 'url':
      control = h('input', { type: 'url', id, disabled, value: value ?? '', maxlength: 2000, placeholder: 'https://…' });
      read = () => control.value.trim() || null;
      break;
    case 'member':
      control = h('input', { type: 'text', id, disabled, value: value ?? '', maxlength: 200, placeholder: 'username', autocomplete: 'off' });
      read = () => control.value.trim() || null;
      break;
    default:
      control = h('input', { type: 'text', id, disabled, value: value ?? '', maxlength: 2000 });
      read = () => (control.value.trim() === '' ? null : control.value);
  }
  control.dataset.field = field.name;
  const label = field.type === 'checkbox'
    ? h('label', { class: 'field check', for: id }, control, h('span', {}, field.name))
    : h('label', { class: 'field', for: id }, h('span', {}, field.name), control);
  return { field, label, read };
}

/** Whether two field values are the same (lists by content). */
export function sameValue(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * The board's settings screen for its custom fields: the list (rename, options, shown on cards,
 * order, delete) and a form to add one. Every change is saved at once; resolves when closed.
 */
export function editFields(board, { canEdit }) {
  return new Promise((resolve) => {
    const list = h('ol', { class: 'field-editor', 'aria-label': 'Fields of this board' });
    const status = h('p', { class: 'muted', role: 'status' });
    const dialog = h('dialog', { class: 'modal fields-dialog', id: 'fields-dialog', 'aria-labelledby': 'fields-title' });
    let fields = [];
    let changed = false;

    const refresh = async () => {
      fields = await loadFields(board.boardId);
      list.replaceChildren(...fields.map(row));
      status.textContent = fields.length ? `${fields.length} field${fields.length === 1 ? '' : 's'}.` : 'No fields yet.';
    };

    const save = async (f, body, what) => {
      try {
        await patch(`/api/v1/fields/${f.id}`, body);
        changed = true;
        toast(`Field ${what}.`, 'ok');
        await refresh();
      } catch (err) {
        toast(`Field not saved: ${err.explanation || err.message}`, 'error');
      }
    };

    function row(f, index) {
      const name = h('input', { type: 'text', value: f.name, maxlength: 60, required: true, disabled: !canEdit, 'aria-label': `Name of field ${f.name}` });
      const opts = f.options.length
        ? h('input', { type: 'text', value: f.options.join(', '), disabled: !canEdit, 'aria-label': `Options of ${f.name} (comma separated)` })
        : null;
      const visible = h('input', { type: 'checkbox', checked: f.visible, disabled: !canEdit, 'aria-label': `Show ${f.name} on cards`,
        on: { change: () => save(f, { visible: visible.checked }, visible.checked ? 'shown on cards' : 'hidden from cards') } });
      const rename = () => {
        const body = {};
        if (name.value.trim() && name.value.trim() !== f.name) body.name = name.value.trim();
        const wanted = opts ? opts.value.split(',').map((s) => s.trim()).filter(Boolean) : null;
        if (wanted && !sameValue(wanted, f.options)) body.options = wanted;
        if (Object.keys(body).length) save(f, body, 'saved');
      };
      return h('li', { class: 'field-row', dataset: { fieldId: f.id } },
        name,
        h('span', { class: 'field-type muted' }, TYPE_LABELS[f.type] || f.type),
        opts,
        h('label', { class: 'check' }, visible, ' On cards'),
        canEdit ? h('button', { type: 'button', class: 'save-field', 'aria-label': `Save field ${f.name}`, on: { click: rename } }, 'Save') : null,
        canEdit ? h('button', { type: 'button', class: 'icon up', 'aria-label': `Move ${f.name} up`, disabled: index === 0,
          on: { click: () => save(f, { position: index - 1 }, 'moved') } }, '↑') : null,
        canEdit ? h('button', { type: 'button', class: 'icon danger remove-field', 'aria-label': `Delete field ${f.name}`,
          on: { click: async () => {
            const ok = await confirmDialog({ title: 'Delete field?', message: `Delete the field “${f.name}” and its values on every card of this board?` });
            if (!ok) return;
            try {
              await del(`/api/v1/fields/${f.id}`);
              changed = true;
              toast('Field deleted.', 'ok');
              await refresh();
            } catch (err) {
              toast(`Not deleted: ${err.explanation || err.message}`, 'error');
            }
          } } }, '×') : null);
    }

    const addName = h('input', { type: 'text', id: 'new-field-name', maxlength: 60, required: true });
    const addType = h('select', { id: 'new-field-type' }, options(FIELD_TYPES.map((t) => [t, TYPE_LABELS[t]]), 'text'));
    const addOptions = h('input', { type: 'text', id: 'new-field-options', placeholder: 'low, medium, high' });
    const optionsLabel = h('label', { class: 'field', for: 'new-field-options', hidden: true }, h('span', {}, 'Options (comma separated)'), addOptions);
    addType.addEventListener('change', () => { optionsLabel.hidden = !addType.value.endsWith('_select'); });
    const addVisible = h('input', { type: 'checkbox', id: 'new-field-visible' });
    const add = h('form', { class: 'field-add', 'aria-label': 'Add a field', on: { submit: async (e) => {
      e.preventDefault();
      const body = { name: addName.value.trim(), type: addType.value, visible: addVisible.checked };
      if (addType.value.endsWith('_select')) body.options = addOptions.value.split(',').map((s) => s.trim()).filter(Boolean);
      try {
        await post(`/api/v1/boards/${board.boardId}/fields`, body);
        changed = true;
        toast(`Field “${body.name}” added.`, 'ok');
        add.reset();
        optionsLabel.hidden = true;
        await refresh();
        addName.focus();
      } catch (err) {
        toast(`Field not added: ${err.explanation || err.message}`, 'error');
      }
    } } },
    h('h3', {}, 'Add a field'),
    h('label', { class: 'field', for: 'new-field-name' }, h('span', {}, 'Name'), addName),
    h('label', { class: 'field', for: 'new-field-type' }, h('span', {}, 'Type'), addType),
    optionsLabel,
    h('label', { class: 'check', for: 'new-field-visible' }, addVisible, ' Show on cards'),
    h('button', { type: 'submit', class: 'primary add-field' }, 'Add field'));

    const close = h('button', { type: 'button', class: 'close-fields' }, 'Close');
    dialog.append(h('div', { class: 'modal-form' },
      h('h2', { id: 'fields-title' }, 'Fields'),
      h('p', { class: 'muted' }, 'Typed fields for the cards of this board. Every field shows in the card panel; those marked “On cards” show on the board.'),
      status, list, canEdit ? add : null,
      h('div', { class: 'actions' }, close)));
    close.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(changed);
    });
    document.body.append(dialog);
    dialog.showModal();
    refresh().then(() => ($('input', dialog) || close).focus());
  });
}
