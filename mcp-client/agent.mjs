// A real MCP client (the official TypeScript SDK) acting as an agent against Agent Kanban.
// Driven by src/test/java/dev/agentkanban/agent/TypeScriptClientTest.java; prints one JSON report line.
//
//   node agent.mjs http       KANBAN_URL, KANBAN_TOKEN, BOARD_ID   Streamable HTTP with a bearer token
//   node agent.mjs stdio      KANBAN_URL, KANBAN_TOKEN, BOARD_ID,  spawns `java -cp CLASSPATH
//                             JAVA, CLASSPATH                      dev.agentkanban.KanbanApplication mcp`
//   node agent.mjs anonymous  KANBAN_URL                           Streamable HTTP without a token
//   node agent.mjs hints      KANBAN_URL, KANBAN_TOKEN, TASK_ID    reads a task's hints and applies the first
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const mode = process.argv[2];
const env = process.env;

function transport() {
  if (mode === 'stdio') {
    return new StdioClientTransport({
      command: env.JAVA,
      args: ['-cp', env.CLASSPATH, 'dev.agentkanban.KanbanApplication', 'mcp'],
      env: { KANBAN_URL: env.KANBAN_URL, KANBAN_TOKEN: env.KANBAN_TOKEN, PATH: env.PATH ?? '' },
      stderr: 'inherit',
    });
  }
  const headers = mode === 'anonymous' ? {} : { Authorization: `Bearer ${env.KANBAN_TOKEN}` };
  return new StreamableHTTPClientTransport(new URL('/mcp', env.KANBAN_URL), { requestInit: { headers } });
}

async function call(client, name, args) {
  const result = await client.callTool({ name, arguments: args });
  const text = result.content?.[0]?.text ?? '';
  if (result.isError) {
    throw new Error(`${name} failed: ${text}`);
  }
  return JSON.parse(text);
}

async function main() {
  const client = new Client({ name: 'agent-kanban-test-agent', version: '1.0.0' });
  if (mode === 'anonymous') {
    try {
      await client.connect(transport());
      await client.listTools();
      return { refused: false };
    } catch (e) {
      return { refused: true, error: String(e?.message ?? e) };
    }
  }
  await client.connect(transport());
  if (mode === 'hints') {
    try {
      const taskId = Number(env.TASK_ID);
      const task = await call(client, 'get_task', { task_id: taskId });
      const { hints } = await call(client, 'get_hints', { task_id: taskId });
      const applied = await call(client, 'apply_hint', { hint_id: hints[0].id });
      const after = await call(client, 'get_hints', { task_id: taskId });
      return { taskHints: task.hints, hints, applied, pendingAfter: after.hints };
    } finally {
      await client.close();
    }
  }
  try {
    const { tools } = await client.listTools();
    const board = Number(env.BOARD_ID);
    const created = await call(client, 'create_task', {
      board, title: `Lifecycle over ${mode}`, priority: 'high', tags: ['agent'] });
    const claimed = await call(client, 'claim_task', { task_id: created.id, lease_seconds: 600 });
    const comment = await call(client, 'add_comment', { task_id: created.id, body: `working on it over ${mode}` });
    const completed = await call(client, 'complete_task', {
      task_id: created.id, notes: 'done and tested', evidence_link: 'https://example.com/pr/1' });
    const flow = await call(client, 'get_flow_metrics', { board });
    let badMove;
    try {
      await call(client, 'move_task', { task_id: created.id, column: 'Nowhere' });
    } catch (e) {
      badMove = e.message;
    }
    return {
      server: client.getServerVersion(),
      tools: tools.map((t) => ({ name: t.name, description: t.description, annotations: t.annotations,
        required: t.inputSchema?.required ?? [] })),
      created, claimed, comment, completed, flow, badMove,
    };
  } finally {
    await client.close();
  }
}

main().then(
  (report) => {
    process.stdout.write(JSON.stringify(report) + '\n');
    process.exit(0);
  },
  (e) => {
    process.stderr.write(`agent failed: ${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
