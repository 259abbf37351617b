// The board's automation rules (board settings, issue 15): the list with each rule's switch, run log
// and delete, and a form for a new rule (trigger, conditions, actions). Members and admins write;
// viewers and agents read. Everything is a labelled native control, so it works from the keyboard.
import { del, get, patch, post } from './api.js';
import { h, $, $$, options } from './dom.js';
import { confirmDialog, formDialog, toast } from './ui.js';

const TRIGGERS = [
  ['task_created', 'a task is created'],
  ['task_moved', 'a task is moved into a column'],
  ['task_completed', 'a task is completed'],
  ['tag_added', 'a tag is added'],
  ['due_date_passed', 'the due date passes'],
  ['children_done', 'all subtasks are done'],
  ['task_unblocked', 'a task is unblocked'],
];
const ACTIONS = [
  ['add_tag', 'Add tag'],
  ['remove_tag', 'Remove tag'],
  ['assign', 'Assign to'],
  ['set_priority', 'Set priority'],
  ['move_to_column', 'Move to column'],
  ['set_due_date', 'Set due date (from now)'],
  ['add_checklist_items', 'Add checklist items'],
  ['notify', 'Notify member'],
  ['comment', 'Post comment'],
];
const PRIORITIES = ['low', 'medium', 'high', 'urgent'];
let uid = 0;

/** Opens the rules of the board shown; `canWrite` (members and admins) allows changes. */
export async function openRules(view, { canWrite, workspaceId }) {
  const board = view.board;
  const columns = view.columns.map((c) => [c.id, c.name]);
  const columnName = (id) => view.columns.find((c) => c.id === id)?.name ?? `column ${id}`;
  let members = [];
  try {
    members = (await get(`/api/v1/workspaces/${workspaceId}/members?limit=500`)).items;
  } catch { /* a viewer may not list members: notify then asks for an id */ }
  const list = h('ul', { class: 'rule-list', id: 'rule-list', 'aria-label': 'Rules of this board' });

  function describe(r) {
    const t = TRIGGERS.find(([k]) => k === r.trigger.type)?.[1] ?? r.trigger.type;
    const extra = r.trigger.column_id ? ` “${columnName(r.trigger.column_id)}”` : r.trigger.tag ? ` “${r.trigger.tag}”` : '';
    const acts = r.actions.map((a) => ACTIONS.find(([k]) => k === a.type)?.[1] ?? a.type).join(', ');
    return `When ${t}${extra}: ${acts}`;
  }

  async function showRuns(r, target) {
    const runs = await get(`/api/v1/boards/${board.id}/rules/${r.id}/runs?limit=20`);
    target.replaceChildren(runs.items.length
      ? h('ol', { class: 'rule-runs' }, ...runs.items.map((run) => h('li', { class: `run-${run.status}` },
        h('strong', {}, run.status), ` task #${run.task_id}`, run.detail ? ` — ${run.detail}` : '')))
      : h('p', { class: 'muted' }, 'No runs yet.'));
  }

  async function reload() {
    const rules = (await get(`/api/v1/boards/${board.id}/rules`)).items;
    list.replaceChildren(...(rules.length ? rules.map((r) => {
      const runs = h('div', { class: 'rule-run-log', 'aria-live': 'polite' });
      const toggle = h('input', { type: 'checkbox', checked: r.enabled, disabled: !canWrite, 'aria-label': `Rule ${r.name} enabled`,
        on: { change: async (e) => {
          try {
            await patch(`/api/v1/boards/${board.id}/rules/${r.id}`, { enabled: e.target.checked });
            toast(`Rule “${r.name}” ${e.target.checked ? 'on' : 'off'}.`, 'ok');
          } catch (err) {
            toast(`Not changed: ${err.explanation || err.message}`, 'error');
            e.target.checked = !e.target.checked;
          }
        } } });
      return h('li', { class: 'rule-row', dataset: { ruleId: r.id } },
        h('div', { class: 'rule-head' },
          h('label', { class: 'check' }, toggle, h('span', { class: 'rule-name' }, r.name)),
          h('span', { class: 'rule-summary muted' }, describe(r)),
          h('button', { type: 'button', class: 'rule-show-runs', on: { click: () => showRuns(r, runs) } }, 'Runs'),
          canWrite ? h('button', { type: 'button', class: 'danger rule-delete', 'aria-label': `Delete rule ${r.name}`, on: { click: async () => {
            if (!await confirmDialog({ title: 'Delete rule', message: `Delete “${r.name}” and its run log?` })) return;
            try {
              await del(`/api/v1/boards/${board.id}/rules/${r.id}`);
              await reload();
            } catch (err) { toast(`Not deleted: ${err.explanation || err.message}`, 'error'); }
          } } }, 'Delete') : null),
        // switched off by the service (its column was deleted): why, until someone mends and switches it on
        !r.enabled && r.disabled_reason
          ? h('p', { class: 'rule-disabled-reason muted' }, `Switched off: ${r.disabled_reason}`) : null,
        runs);
    }) : [h('li', { class: 'muted' }, 'No rules yet.')]));
  }

  const field = (label, control) => {
    const id = `rule-f-${++uid}`;
    control.id = id;
    return h('div', { class: 'field' }, h('label', { for: id }, label), control);
  };

  // ---- the new rule's form ----
  const name = h('input', { type: 'text', name: 'rule-name', maxlength: 100, autocomplete: 'off' });
  const trigger = h('select', { name: 'rule-trigger' }, options(TRIGGERS, 'task_created'));
  const triggerColumn = h('select', { name: 'rule-trigger-column' }, options([['', 'any column'], ...columns], ''));
  const triggerTag = h('input', { type: 'text', name: 'rule-trigger-tag', maxlength: 100 });
  const triggerColumnField = field('Into column', triggerColumn);
  const triggerTagField = field('Tag', triggerTag);
  const condPriority = h('select', { name: 'rule-cond-priority' }, options([['', 'any'], ...PRIORITIES.map((p) => [p, p])], ''));
  const condTag = h('input', { type: 'text', name: 'rule-cond-tag', maxlength: 100 });
  const condColumn = h('select', { name: 'rule-cond-column' }, options([['', 'any'], ...columns], ''));
  const condAssignee = h('input', { type: 'text', name: 'rule-cond-assignee', maxlength: 200 });
  const actionList = h('ol', { class: 'rule-actions', 'aria-label': 'Actions' });

  const syncTrigger = () => {
    triggerColumnField.hidden = trigger.value !== 'task_moved';
    triggerTagField.hidden = trigger.value !== 'tag_added';
  };
  trigger.addEventListener('change', syncTrigger);
  syncTrigger();

  function valueControl(type) {
    switch (type) {
      case 'set_priority': return h('select', { name: 'value' }, options(PRIORITIES.map((p) => [p, p]), 'high'));
      case 'move_to_column': return h('select', { name: 'value' }, options(columns, columns[0]?.[0]));
      case 'set_due_date': return h('select', { name: 'value' }, options([['PT4H', 'in 4 hours'], ['P1D', 'in 1 day'], ['P3D', 'in 3 days'], ['P7D', 'in 1 week']], 'P1D'));
      case 'notify': return members.length
        ? h('select', { name: 'value' }, options(members.map((m) => [m.user_id, m.username]), members[0].user_id))
        : h('input', { type: 'number', name: 'value', min: 1, placeholder: 'user id' });
      default: return h('input', { type: 'text', name: 'value', maxlength: type === 'comment' ? 2000 : 200,
        placeholder: type === 'add_checklist_items' ? 'items, separated by ;' : '' });
    }
  }

  function actionRow() {
    const type = h('select', { name: 'type' }, options(ACTIONS, 'add_tag'));
    const slot = h('span', { class: 'rule-action-value' });
    const message = h('input', { type: 'text', name: 'message', maxlength: 2000, placeholder: 'message' });
    const li = h('li', { class: 'rule-action' });
    const render = () => {
      const control = valueControl(type.value);
      slot.replaceChildren(field('Value', control));
      message.hidden = type.value !== 'notify';
      message.setAttribute('aria-label', 'Notification message');
    };
    type.addEventListener('change', render);
    li.append(field('Action', type), slot, message,
      h('button', { type: 'button', class: 'icon danger', 'aria-label': 'Remove action', on: { click: () => li.remove() } }, '×'));
    render();
    return li;
  }
  actionList.append(actionRow());

  function collect() {
    const actions = $$('.rule-action', actionList).map((li) => {
      const type = $('[name=type]', li).value;
      const v = $('[name=value]', li).value.trim();
      switch (type) {
        case 'add_tag': case 'remove_tag': return { type, tag: v };
        case 'assign': return { type, assignee: v };
        case 'set_priority': return { type, priority: v };
        case 'move_to_column': return { type, column_id: Number(v) };
        case 'set_due_date': return { type, in: v };
        case 'add_checklist_items': return { type, items: v.split(';').map((s) => s.trim()).filter(Boolean) };
        case 'notify': return { type, user_id: Number(v), message: $('[name=message]', li).value.trim() };
        default: return { type, body: v };
      }
    });
    const t = { type: trigger.value };
    if (t.type === 'task_moved' && triggerColumn.value) t.column_id = Number(triggerColumn.value);
    if (t.type === 'tag_added') t.tag = triggerTag.value.trim();
    const conditions = {};
    if (condPriority.value) conditions.priority = [condPriority.value];
    if (condTag.value.trim()) conditions.tag = condTag.value.trim();
    if (condColumn.value) conditions.column_id = Number(condColumn.value);
    if (condAssignee.value.trim()) conditions.assignee = condAssignee.value.trim();
    return { name: name.value.trim(), trigger: t, conditions, actions };
  }

  const form = canWrite ? h('fieldset', { class: 'rule-form', id: 'new-rule' },
    h('legend', {}, 'New rule'),
    field('Name', name),
    h('div', { class: 'rule-when' }, field('When', trigger), triggerColumnField, triggerTagField),
    h('details', { class: 'rule-conditions' }, h('summary', {}, 'Only if (optional)'),
      field('Priority', condPriority), field('Tag', condTag), field('Column', condColumn), field('Assignee', condAssignee)),
    actionList,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'add-action', on: { click: () => {
        const li = actionRow();
        actionList.append(li);
        $('select', li).focus();
      } } }, '+ Add action'),
      h('button', { type: 'button', class: 'primary', id: 'create-rule', on: { click: async () => {
        try {
          const created = await post(`/api/v1/boards/${board.id}/rules`, collect());
          toast(`Rule “${created.name}” created.`, 'ok');
          name.value = '';
          await reload();
        } catch (err) {
          const fields = err.problem?.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
          toast(`Rule not created: ${fields || err.explanation || err.message}`, 'error');
        }
      } } }, 'Create rule')))
    : h('p', { class: 'muted' }, 'Members and admins manage rules; you can read them.');

  await reload();
  await formDialog({
    title: `Rules of “${board.name}”`, okLabel: 'Done', id: 'rules-dialog',
    body: h('div', { class: 'rules' }, h('p', { class: 'muted' },
      'Rules act by themselves after a matching change, as “rule:<name>” in the history.'), list, form),
  });
}
