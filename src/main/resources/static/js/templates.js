// Boards from templates and boards saved as templates (issue 17). The "New board" dialog offers the
// built-in templates and the workspace's own; "Save as template" keeps the board's set-up.
import { get, post } from './api.js';
import { h, options } from './dom.js';
import { formDialog, toast } from './ui.js';

/** Asks for a name and a template; creates the board. Resolves with the new board or null. */
export async function newBoardDialog() {
  let templates = [];
  try {
    templates = (await get('/api/v1/templates?limit=500')).items;
  } catch {
    // without templates the board gets the default columns
  }
  const name = h('input', { type: 'text', name: 'value', id: 'new-board-name', required: true, maxlength: 200, autocomplete: 'off' });
  const template = h('select', { id: 'new-board-template', name: 'template' },
    options([['', 'Default columns'], ...templates.map((t) => [t.id, t.built_in ? t.name : `${t.name} (saved)`])], ''));
  const about = h('p', { class: 'muted', id: 'new-board-template-about', 'aria-live': 'polite' });
  const describe = () => {
    const t = templates.find((x) => x.id === template.value);
    about.textContent = t ? `${t.description || ''} Columns: ${t.content.columns.map((c) => c.name).join(' → ')}.` : 'Backlog, To Do, In Progress, Done.';
  };
  template.addEventListener('change', describe);
  describe();
  const answer = await formDialog({
    title: 'New board', okLabel: 'Create board', id: 'new-board-dialog',
    body: h('div', { class: 'modal-fields' },
      h('label', { class: 'field' }, h('span', {}, 'Board name'), name),
      h('label', { class: 'field' }, h('span', {}, 'Start from'), template), about),
    collect: () => (name.value.trim() ? { name: name.value.trim(), template: template.value } : undefined),
  });
  if (!answer) return null;
  try {
    const board = answer.template
      ? await post(`/api/v1/templates/${encodeURIComponent(answer.template)}/boards`, { name: answer.name })
      : await post('/api/v1/boards', { name: answer.name });
    toast(`Board “${board.name}” created.`, 'ok');
    return board;
  } catch (err) {
    toast(`Board not created: ${err.explanation || err.message}`, 'error');
    return null;
  }
}

/** Saves the board shown as a template of the workspace. */
export async function saveAsTemplate(board) {
  const name = h('input', { type: 'text', id: 'template-name', required: true, maxlength: 200, value: `${board.name} template` });
  const description = h('input', { type: 'text', id: 'template-description', maxlength: 2000 });
  const cards = h('input', { type: 'checkbox', id: 'template-cards' });
  const answer = await formDialog({
    title: 'Save board as template', okLabel: 'Save template', id: 'template-dialog',
    body: h('div', { class: 'modal-fields' },
      h('label', { class: 'field' }, h('span', {}, 'Template name'), name),
      h('label', { class: 'field' }, h('span', {}, 'Description'), description),
      h('label', { class: 'check' }, cards, ' Keep the cards as sample cards'),
      h('p', { class: 'muted' }, 'Columns with their kinds and WIP limits and the tags the cards use are kept.')),
    collect: () => (name.value.trim() ? { name: name.value.trim(), description: description.value.trim() || null, include_cards: cards.checked } : undefined),
  });
  if (!answer) return;
  try {
    const t = await post(`/api/v1/boards/${board.id}/template`, answer);
    toast(`Template “${t.name}” saved; “New board” offers it.`, 'ok');
  } catch (err) {
    toast(`Template not saved: ${err.explanation || err.message}`, 'error');
  }
}
