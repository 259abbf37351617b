// Webhooks (workspace admins): create with an event filter (the signing secret shown once), the
// delivery log of each (time, event, status, response code and the start of its body, attempts), redeliver, disable and enable.
import { get, post, patch, del, query } from '../api.js';
import { h, options, when } from '../dom.js';
import { toast, confirmDialog } from '../ui.js';
import { block, field, table, secretBox } from './parts.js';

export async function webhooksTab(panel, ctx) {
  const list = h('div', { id: 'webhook-list' });
  const log = h('div', { id: 'delivery-log', 'aria-live': 'polite' });
  const issued = h('div', { id: 'webhook-issued', 'aria-live': 'polite' });

  async function showLog(w) {
    const page = await get(`/api/v1/webhooks/${w.id}/deliveries${query({ limit: 100 })}`);
    log.replaceChildren(block(`Deliveries to ${w.url}`,
      h('button', { type: 'button', id: 'delivery-refresh', on: { click: () => showLog(w) } }, 'Refresh'),
      table('Deliveries', ['Time', 'Event', 'Status', 'Response', 'Attempts', ''], page.items.map((d) => [
        when(d.last_attempt_at || d.queued_at, true), d.event_type,
        h('span', { class: `delivery-status delivery-${d.status}` }, d.status),
        h('span', { class: 'delivery-response' },
          d.response_code ? `${d.response_code}${d.last_error ? ` · ${d.last_error}` : ''}` : (d.last_error || ''),
          d.response_excerpt ? h('code', { class: 'response-excerpt', title: 'The start of the response body' }, d.response_excerpt) : null),
        String(d.attempts),
        h('button', { type: 'button', class: 'redeliver', 'aria-label': `Redeliver ${d.event_type} #${d.id}`, on: { click: async () => {
          try {
            await post(`/api/v1/webhooks/${w.id}/deliveries/${d.id}/redeliver`);
            toast('Queued for redelivery.', 'ok');
            await showLog(w);
          } catch (err) {
            toast(`Not queued: ${err.explanation || err.message}`, 'error');
          }
        } } }, 'Redeliver'),
      ]), 'No deliveries yet.')));
  }

  async function reload() {
    const page = await get(`/api/v1/webhooks${query({ limit: 200 })}`);
    list.replaceChildren(table('Webhooks', ['URL', 'Events', 'State', 'Created', ''], page.items.map((w) => [
      h('code', {}, w.url), w.event_types?.length ? w.event_types.join(', ') : 'all', w.active ? 'active' : 'disabled', when(w.created_at),
      h('span', { class: 'row-actions' },
        h('button', { type: 'button', class: 'show-deliveries', 'aria-label': `Deliveries of ${w.url}`, on: { click: () => showLog(w) } }, 'Deliveries'),
        h('button', { type: 'button', class: 'toggle-webhook', 'aria-label': `${w.active ? 'Disable' : 'Enable'} ${w.url}`, on: { click: async () => {
          try {
            await patch(`/api/v1/webhooks/${w.id}`, { active: !w.active });
            await reload();
          } catch (err) {
            toast(`Not changed: ${err.explanation || err.message}`, 'error');
          }
        } } }, w.active ? 'Disable' : 'Enable'),
        h('button', { type: 'button', class: 'danger delete-webhook', 'aria-label': `Delete ${w.url}`, on: { click: async () => {
          if (!await confirmDialog({ title: 'Delete webhook?', message: `Stop sending events to ${w.url} and forget its deliveries?` })) return;
          try {
            await del(`/api/v1/webhooks/${w.id}`);
            log.replaceChildren();
            await reload();
          } catch (err) {
            toast(`Not deleted: ${err.explanation || err.message}`, 'error');
          }
        } } }, 'Delete')),
    ]), 'No webhooks yet.'));
  }

  const url = h('input', { type: 'url', id: 'webhook-url', required: true, maxlength: 2000, placeholder: 'https://example.com/hooks/kanban' });
  const events = h('input', { type: 'text', id: 'webhook-events', maxlength: 2000, placeholder: 'task_created, task_moved' });
  const boards = await get(`/api/v1/boards${query({ limit: 500 })}`).catch(() => ({ items: [] }));
  const board = h('select', { id: 'webhook-board' }, options([['', 'every board'], ...boards.items.map((b) => [b.id, b.name])], ''));
  const form = h('form', { class: 'settings-form', id: 'webhook-form', on: { submit: async (e) => {
    e.preventDefault();
    const types = events.value.split(',').map((s) => s.trim()).filter(Boolean);
    try {
      const w = await post('/api/v1/webhooks', { url: url.value.trim(), event_types: types.length ? types : null, board_id: board.value ? Number(board.value) : null });
      issued.replaceChildren(h('div', { class: 'panel-notice notice-info' },
        h('p', {}, h('strong', {}, 'Webhook created. '), 'Copy the signing secret now: it is shown only once. Deliveries carry an HMAC-SHA256 signature made with it.'),
        secretBox('signing secret', w.secret, 'webhook-secret')));
      form.reset();
      await reload();
    } catch (err) {
      toast(`Webhook not created: ${err.explanation || err.message}`, 'error');
    }
  } } }, field('URL', url), field('Events', events, 'Comma separated event names; empty: every event'), field('Board', board),
  h('button', { type: 'submit', class: 'primary', id: 'webhook-create' }, 'Create webhook'));

  panel.replaceChildren(block('New webhook', form, issued), block('Webhooks', list), log);
  await reload();
}
