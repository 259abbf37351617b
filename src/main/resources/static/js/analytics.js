// The analytics page of a board (/analytics.html?ws=<id>&board=<id>): cumulative flow, cycle-time
// scatter with percentile lines, throughput, aging work in progress, a Monte Carlo forecast and seed
// 002's time-in-column colours, drawn in the browser with uPlot from the analytics API
// (docs/analytics.md). Every chart has a table with the same numbers; each drawn chart keeps the data
// it was given in window.kanbanCharts[name].data (uPlot's own copy) so a test can compare it with the
// API.
import uPlot from '/webjars/uplot/dist/uPlot.esm.js';
import { get, api, session, query } from './api.js';
import { h, $, $$ } from './dom.js';

const DAY = 86400;
const charts = {};
window.kanbanCharts = charts;

const params = new URLSearchParams(location.search);
let boardId = Number(params.get('board')); // none in the address: the workspace's first board (see start)
const workspace = params.get('ws');

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** A palette that reads on both the light and the dark background. */
const PALETTE = ['#64748b', '#3b82f6', '#f59e0b', '#a855f7', '#ef4444', '#10b981', '#06b6d4', '#84cc16', '#ec4899'];

function status(text) {
  $('#status').textContent = text;
}

function epoch(date) {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

function days(seconds) {
  return seconds == null ? null : Math.round((seconds / DAY) * 100) / 100;
}

function fmtDays(seconds) {
  return seconds == null ? '–' : `${days(seconds)} d`;
}

function table(columns, rows) {
  return h('table', { class: 'data' },
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, rows.map((r) => h('tr', null, r.map((v, i) => (i === 0 ? h('th', { scope: 'row' }, v ?? '') : h('td', null, v ?? '')))))));
}

function axes() {
  const stroke = css('--text') || '#111';
  const grid = { stroke: css('--border') || '#ddd', width: 1 };
  return [
    { stroke, grid, ticks: grid },
    { stroke, grid, ticks: grid },
  ];
}

function width(el) {
  return Math.max(320, Math.floor(el.clientWidth || 640));
}

/** Draws (or redraws) chart `name` into its container. */
function draw(name, opts, data) {
  const el = $(`[data-chart="${name}"]`);
  charts[name]?.destroy();
  el.replaceChildren();
  const chart = new uPlot({ width: width(el), height: 260, axes: axes(), ...opts }, data, el);
  charts[name] = chart;
  el.dataset.points = String(data[0].length);
  el.dataset.ready = 'true';
  return chart;
}

// ---- the charts ------------------------------------------------------------------------------

function cumulativeFlow(report) {
  const x = report.cumulative_flow.map((d) => epoch(d.date));
  const cols = report.columns;
  // stacked: the last column (done) at the bottom, each band on top of the ones after it
  const order = cols.map((_, i) => i).reverse();
  const stacked = [];
  const running = x.map(() => 0);
  for (const i of order) {
    report.cumulative_flow.forEach((d, k) => { running[k] += d.counts[i]; });
    stacked.push([...running]);
  }
  const series = [{ label: 'Date', value: (u, v) => (v == null ? '' : new Date(v * 1000).toISOString().slice(0, 10)) }];
  const bands = [];
  order.forEach((i, k) => {
    const colour = PALETTE[i % PALETTE.length];
    series.push({
      label: cols[i].name ?? `column ${cols[i].column_id}`, stroke: colour, fill: `${colour}99`, width: 1,
      // the legend shows the column's own count, not the stacked height
      value: (u, v, s, idx) => (idx == null ? '' : report.cumulative_flow[idx].counts[i]),
    });
    if (k > 0) bands.push({ series: [k + 1, k], fill: `${colour}99` });
  });
  // the top of each band is drawn; uPlot fills between consecutive series through bands
  const chart = draw('cfd', { series: series.map((s, k) => (k > 1 ? { ...s, fill: undefined } : s)), bands, scales: { x: { time: true } } },
    [x, ...stacked]);
  chart.rawCounts = report.cumulative_flow.map((d) => d.counts);
  $('[data-table="cfd"]').replaceChildren(table(
    ['Date', ...cols.map((c) => c.name ?? `column ${c.column_id}`), 'WIP'],
    report.cumulative_flow.map((d, k) => [d.date, ...d.counts, report.wip[k].wip])));
}

function cycleTimes(report) {
  const points = report.completed.filter((c) => c.cycle_time_seconds != null);
  const x = points.map((c) => Date.parse(c.completed_at) / 1000);
  const y = points.map((c) => c.cycle_time_seconds / DAY);
  const ct = report.cycle_time;
  const line = (p) => x.map(() => (p == null ? null : p / DAY));
  const dot = { show: true, size: 7, fill: '#3b82f6' };
  draw('cycle', {
    mode: 1,
    scales: { x: { time: true } },
    series: [
      {},
      { label: 'Cycle time (days)', stroke: '#3b82f6', paths: () => null, points: dot },
      { label: 'p50', stroke: '#10b981', dash: [6, 4], points: { show: false } },
      { label: 'p85', stroke: '#f59e0b', dash: [6, 4], points: { show: false } },
      { label: 'p95', stroke: '#ef4444', dash: [6, 4], points: { show: false } },
    ],
  }, [x, y, line(ct.p50_seconds), line(ct.p85_seconds), line(ct.p95_seconds)]);
  $('[data-summary="cycle"]').textContent = ct.count
    ? `${ct.count} tasks completed after starting: 50 % within ${fmtDays(ct.p50_seconds)}, 85 % within ${fmtDays(ct.p85_seconds)}, 95 % within ${fmtDays(ct.p95_seconds)}. Lead time p85 ${fmtDays(report.lead_time.p85_seconds)}.`
    : 'No task completed after starting in this range.';
  $('[data-table="cycle"]').replaceChildren(table(
    ['Task', 'Title', 'Completed', 'Cycle time (days)', 'Lead time (days)'],
    report.completed.map((c) => [String(c.task_id), c.title ?? '(deleted)', c.completed_at, days(c.cycle_time_seconds) ?? '–', days(c.lead_time_seconds)])));
}

function throughput(report) {
  const x = report.throughput_daily.map((d) => epoch(d.date));
  const y = report.throughput_daily.map((d) => d.completed);
  draw('throughput', {
    scales: { x: { time: true } },
    series: [{}, { label: 'Completed', stroke: '#10b981', fill: '#10b98199', paths: uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } }],
  }, [x, y]);
  $('[data-table="throughput"]').replaceChildren(table(['Date', 'Completed'], report.throughput_daily.map((d) => [d.date, d.completed])));
}

function aging(report) {
  const items = report.aging_wip.tasks;
  const p85 = report.aging_wip.p85_cycle_time_seconds;
  const x = items.map((_, i) => i + 1);
  draw('aging', {
    scales: { x: { time: false } },
    axes: [{ ...axes()[0], values: (u, vals) => vals.map((v) => (Number.isInteger(v) && items[v - 1] ? `#${items[v - 1].task_id}` : '')) }, axes()[1]],
    series: [
      { label: 'Task' },
      { label: 'Age (days)', stroke: '#a855f7', fill: '#a855f799', paths: uPlot.paths.bars({ size: [0.6, 40] }), points: { show: false } },
      { label: 'p85 cycle time', stroke: '#f59e0b', dash: [6, 4], points: { show: false } },
    ],
  }, [x, items.map((t) => t.age_seconds / DAY), items.map(() => (p85 == null ? null : p85 / DAY))]);
  $('[data-summary="aging"]').textContent = items.length
    ? `${items.length} ${items.length === 1 ? 'task' : 'tasks'} in progress; ${items.filter((t) => t.beyond_p85).length} older than the 85th percentile cycle time (${fmtDays(p85)}).`
    : 'Nothing in progress.';
  $('[data-table="aging"]').replaceChildren(table(
    ['Task', 'Title', 'Column', 'Age (days)', 'In column (days)', 'Beyond p85'],
    items.map((t) => [String(t.task_id), t.title, t.column, days(t.age_seconds), days(t.in_column_seconds), t.beyond_p85 == null ? '–' : t.beyond_p85 ? 'yes' : 'no'])));
}

function forecast(f) {
  const box = $('[data-forecast]');
  const rows = [];
  if (f.when) rows.push([`${f.when.count} tasks done by`, f.when.p50 ?? 'not foreseeable', f.when.p85 ?? 'not foreseeable', f.when.p95 ?? 'not foreseeable']);
  if (f.how_many) rows.push([`Done by ${f.how_many.date} (at least)`, f.how_many.p50, f.how_many.p85, f.how_many.p95]);
  box.replaceChildren(
    h('p', { class: 'muted' }, `${f.runs.toLocaleString()} simulated runs over the throughput of the last ${f.history_days} days (seed ${f.seed}), from ${f.today}.`),
    table(['Question', '50 %', '85 %', '95 %'], rows));
}

function colours(c) {
  const counts = c.counts;
  $('[data-table="colours"]').replaceChildren(
    h('p', null,
      h('span', { class: 'badge critical' }, `critical ${counts.critical}`), ' ',
      h('span', { class: 'badge warning' }, `warning ${counts.warning}`), ' ',
      h('span', { class: 'badge good' }, `good ${counts.good}`), ' ',
      h('span', { class: 'badge normal' }, `normal ${counts.normal}`)),
    table(['Task', 'Title', 'Column', 'In column (days)', 'z-score', 'Percentile', 'Colour'],
      c.items.map((t) => [String(t.task_id), t.title, t.column, days(t.seconds), t.z_score.toFixed(2), t.percentile,
        h('span', { class: `badge ${t.status_color}` }, t.status_color)])));
}

// ---- loading -----------------------------------------------------------------------------------

function filters() {
  const f = new FormData($('#controls'));
  return Object.fromEntries(['from', 'to', 'tz', 'epic', 'tag', 'assignee'].map((k) => [k, (f.get(k) || '').trim()]));
}

async function load() {
  const f = filters();
  const base = `/api/v1/analytics/boards/${boardId}`;
  $('#analytics').setAttribute('aria-busy', 'true');
  $$('[data-chart]').forEach((el) => { delete el.dataset.ready; });
  status('Loading…');
  const count = Number(new FormData($('#controls')).get('count')) || 20;
  try {
    shown.forecast = `${base}/forecast${query({ count, tz: f.tz, epic: f.epic, tag: f.tag, assignee: f.assignee, date: f.to >= today(f.tz) ? f.to : null })}`;
    shown.task_colors = `/api/v1/boards/${boardId}/tasks/colors${query({ limit: 200 })}`;
    const [report, fc, col] = await Promise.all([
      get(`${base}/flow${query(f)}`),
      get(shown.forecast),
      get(shown.task_colors),
    ]);
    window.kanbanReport = report;
    cumulativeFlow(report);
    cycleTimes(report);
    throughput(report);
    aging(report);
    forecast(fc);
    colours(col);
    status(`${report.from} to ${report.to} (${report.tz})`);
    history.replaceState(null, '', `/analytics.html${query({ ws: workspace, board: boardId, ...f })}`);
  } catch (e) {
    status(`Cannot load: ${e.explanation || e.message}`);
  } finally {
    $('#analytics').setAttribute('aria-busy', 'false');
  }
}

function today(tz) {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: tz || 'UTC' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

// The forecast and the colours as last shown (their own query, not the flow filters), by data-csv name.
const shown = {};

async function downloadCsv(e) {
  e.preventDefault();
  const name = e.currentTarget.dataset.csv;
  const url = shown[name]
    ? `${shown[name]}${shown[name].includes('?') ? '&' : '?'}format=csv`
    : `/api/v1/analytics/boards/${boardId}/flow/${name}${query({ ...filters(), format: 'csv' })}`;
  try {
    const blob = await api('GET', url, { blob: true });
    const href = URL.createObjectURL(blob);
    const a = h('a', { href, download: `${name}-board-${boardId}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 1000);
  } catch (err) {
    status(`Cannot download: ${err.explanation || err.message}`);
  }
}

async function start() {
  if (!session.token) {
    location.replace(`/${query({ ws: workspace, board: boardId })}`);
    return;
  }
  session.workspaceId = workspace ? Number(workspace) : null;
  session.onUnauthorized = () => location.replace('/');
  if (!boardId) {
    // the page itself bookmarked, without ?board=: the workspace's first board, as the board page opens
    try {
      boardId = (await get(`/api/v1/boards${query({ limit: 1 })}`)).items[0]?.id || 0;
    } catch (e) {
      status(`Cannot list the boards: ${e.explanation || e.message}`);
      return;
    }
    if (!boardId) {
      status('This workspace has no boards yet.');
      return;
    }
  }
  $('#back-to-board').href = `/${query({ ws: workspace, board: boardId })}`;
  const form = $('#controls');
  const zone = params.get('tz') || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  form.tz.value = zone;
  form.to.value = params.get('to') || today(zone);
  const from = new Date(`${form.to.value}T00:00:00Z`);
  from.setUTCDate(from.getUTCDate() - 29);
  form.from.value = params.get('from') || from.toISOString().slice(0, 10);
  for (const k of ['epic', 'tag', 'assignee']) form[k].value = params.get(k) || '';
  $('#zones').replaceChildren(...['UTC', zone, 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Tokyo']
    .filter((z, i, all) => all.indexOf(z) === i).map((z) => h('option', { value: z })));
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  $$('a.csv').forEach((a) => a.addEventListener('click', downloadCsv));
  try {
    const board = await get(`/api/v1/boards/${boardId}`);
    $('#board-name').textContent = `${board.name} · analytics`;
    document.title = `${board.name} · Analytics · Agent Kanban`;
  } catch (e) {
    status(`Cannot open board ${boardId}: ${e.explanation || e.message}`);
    return;
  }
  await load();
  let resize;
  window.addEventListener('resize', () => {
    clearTimeout(resize);
    resize = setTimeout(() => Object.entries(charts).forEach(([name, c]) => c.setSize({ width: width($(`[data-chart="${name}"]`)), height: 260 })), 150);
  });
}

start();
