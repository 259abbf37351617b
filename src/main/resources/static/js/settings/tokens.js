// API tokens for scripts and agents: create with name, scopes and expiry (the secret shown once, with
// the MCP client configuration filled in), list with last use, revoke.
import { get, post, del } from '../api.js';
import { h, when } from '../dom.js';
import { toast, confirmDialog } from '../ui.js';
import { block, field, table, secretBox } from './parts.js';

export async function tokensTab(panel, ctx) {
  const name = h('input', { type: 'text', name: 'token-name', id: 'token-name', required: true, maxlength: 100, autocomplete: 'off' });
  const scopes = ['read', 'write', 'admin'].map((s) => h('input', { type: 'checkbox', name: 'token-scope', value: s, checked: s !== 'admin', id: `token-scope-${s}` }));
  const days = h('input', { type: 'number', name: 'token-days', id: 'token-days', min: 1, max: 3650, value: 90 });
  const issued = h('div', { id: 'token-issued', 'aria-live': 'polite' });
  const list = h('div', { id: 'token-list' });

  async function reload() {
    const tokens = (await get('/api/v1/tokens?limit=500')).items;
    list.replaceChildren(table('API tokens', ['Name', 'Prefix', 'Scopes', 'Expires', 'Last used', ''], tokens.map((t) => [
      t.name, h('code', {}, t.prefix), t.scopes.join(', '), t.expires_at ? when(t.expires_at, true) : 'never',
      t.last_used_at ? when(t.last_used_at, true) : 'never',
      t.revoked_at ? h('span', { class: 'muted' }, 'revoked') : h('button', { type: 'button', class: 'danger revoke-token', 'aria-label': `Revoke token ${t.name}`,
        on: { click: async () => {
          if (!await confirmDialog({ title: 'Revoke token?', message: `Revoke “${t.name}”? Scripts and agents using it stop working at once.`, okLabel: 'Revoke' })) return;
          try {
            await del(`/api/v1/tokens/${t.id}`);
            toast('Token revoked.', 'ok');
            await reload();
          } catch (err) {
            toast(`Not revoked: ${err.explanation || err.message}`, 'error');
          }
        } } }, 'Revoke'),
    ]), 'No API tokens yet.'));
  }

  const form = h('form', { class: 'settings-form', id: 'token-form', on: { submit: async (e) => {
    e.preventDefault();
    const chosen = scopes.filter((s) => s.checked).map((s) => s.value);
    if (!chosen.length) {
      toast('Choose at least one scope.', 'error');
      return;
    }
    try {
      const t = await post('/api/v1/tokens', { name: name.value.trim(), scopes: chosen, expires_in_days: days.value ? Number(days.value) : null });
      const origin = window.location.origin;
      const snippet = JSON.stringify({ mcpServers: { 'agent-kanban': { type: 'http', url: `${origin}/mcp`,
        headers: { Authorization: `Bearer ${t.token}`, 'X-Workspace-Id': String(ctx.workspace.id) } } } }, null, 2);
      issued.replaceChildren(h('div', { class: 'notice-info panel-notice token-secret' },
        h('p', {}, h('strong', {}, `Token “${t.name}” created. `), 'Copy it now: it is shown only once.'),
        secretBox('API token', t.token, 'token-secret'),
        h('p', {}, 'MCP client configuration (Claude Code, Claude Desktop, Cursor):'),
        h('pre', { class: 'snippet', id: 'mcp-snippet', tabindex: '0', 'aria-label': 'MCP client configuration' }, snippet),
        secretBox('MCP configuration', snippet, 'mcp-snippet-copy')));
      form.reset();
      days.value = 90;
      scopes.forEach((s) => { s.checked = s.value !== 'admin'; }); // reset() would clear them (set as properties)
      await reload();
    } catch (err) {
      toast(`Token not created: ${err.explanation || err.message}`, 'error');
    }
  } } },
  field('Name', name, 'What uses it, e.g. "ci" or "claude"'),
  h('fieldset', { class: 'scopes' }, h('legend', {}, 'Scopes'),
    scopes.map((s) => h('label', { class: 'check' }, s, ` ${s.value}`))),
  field('Expires after (days)', days, 'Empty: never'),
  h('button', { type: 'submit', class: 'primary', id: 'token-create' }, 'Create token'));

  panel.replaceChildren(block('New API token', form, issued), block('Your tokens', list));
  await reload();
}
