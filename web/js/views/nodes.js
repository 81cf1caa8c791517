// Nodes (SPEC 10 view 7): every node with kind, uptime, last update, peak CPU/MEM today and its
// counters. Live: `status` events carry each node's last update and current CPU/MEM (which can
// only raise the peaks); `points` events carry the per-tick counter deltas added to the totals.
import { html } from '../html.js';
import { api } from '../api.js';
import { fmtCount, fmtDateTime, fmtDuration, fmtPercent, timeAgo } from '../format.js';
import { useResource, useLive, useTicker } from './common/hooks.js';
import { ErrorNote } from './common/ui.js';

// counter name in /nodes → field of the `points` event
const COUNTERS = [
  ['requests', 'requests.count', 'Requests'],
  ['messages_in', 'eventsIn.count', 'Messages in'],
  ['messages_out', 'eventsOut.count', 'Messages out'],
  ['errors', 'errors.count', 'Errors'],
  ['sessions_started', 'sessions.started', 'Sessions started'],
];

export function NodesView() {
  const nodes = useResource(() => api('/api/monitoring/nodes').then((d) => ({ ...d, fetched: Date.now() })), []);
  useTicker(5000);
  useLive('status', (st) => {
    if (!st.nodes) return;
    const by = new Map(st.nodes.map((n) => [n.host, n]));
    nodes.setData((d) => d && ({
      ...d,
      nodes: d.nodes.map((n) => {
        const u = by.get(n.host);
        if (!u) return n;
        return {
          ...n,
          last_update: u.last_update,
          cpu_percent: u.cpu_percent,
          memory_percent: u.memory_percent,
          peak_cpu_today: Math.max(n.peak_cpu_today ?? 0, u.cpu_percent ?? 0),
          peak_memory_today: Math.max(n.peak_memory_today ?? 0, u.memory_percent ?? 0),
        };
      }),
    }));
  });
  useLive('points', (p) => {
    nodes.setData((d) => d && ({
      ...d,
      nodes: d.nodes.map((n) => {
        if (n.host !== p.host) return n;
        const c = { ...(n.counters || {}) };
        for (const [key, field] of COUNTERS) {
          const v = p.values[field];
          if (typeof v === 'number' && key in c) c[key] += v;
        }
        return { ...n, counters: c };
      }),
    }));
  });
  const list = nodes.data ? nodes.data.nodes : [];
  // Uptime runs on from the value fetched (the status events do not carry it).
  const fetchedAt = nodes.data ? nodes.data.fetched : Date.now();
  const uptime = (n) => (n.uptime_seconds === null || n.uptime_seconds === undefined || n.stale
    ? n.uptime_seconds : n.uptime_seconds + (Date.now() - fetchedAt) / 1000);
  return html`<section class="view nodes-view" aria-label="Nodes">
    <div class="view-head"><h2>Nodes</h2><span class="muted">${list.length} node${list.length === 1 ? '' : 's'}</span></div>
    <${ErrorNote} error=${nodes.error} />
    <div class="card">
    <table class="data nodes">
      <thead><tr><th scope="col">Host</th><th scope="col">Kind</th><th scope="col">Uptime</th><th scope="col">Last update</th>
        <th scope="col" class="num">CPU</th><th scope="col" class="num">Peak CPU</th><th scope="col" class="num">MEM</th><th scope="col" class="num">Peak MEM</th>
        ${COUNTERS.map(([, , label]) => html`<th scope="col" class="num">${label}</th>`)}</tr></thead>
      <tbody>${list.map((n) => html`<tr data-host=${n.host}>
        <td>${n.host}${n.stale ? html` <span class="st-bad">stale</span>` : null}</td>
        <td>${n.kind}</td>
        <td data-value=${n.uptime_seconds ?? ''}>${fmtDuration(uptime(n))}</td>
        <td title=${fmtDateTime(n.last_update)}>${timeAgo(n.last_update)}</td>
        <td class="num" data-value=${n.cpu_percent ?? ''}>${fmtPercent(n.cpu_percent)}</td>
        <td class="num" data-value=${n.peak_cpu_today ?? ''}>${fmtPercent(n.peak_cpu_today)}</td>
        <td class="num" data-value=${n.memory_percent ?? ''}>${fmtPercent(n.memory_percent)}</td>
        <td class="num" data-value=${n.peak_memory_today ?? ''}>${fmtPercent(n.peak_memory_today)}</td>
        ${COUNTERS.map(([key]) => html`<td class="num" data-counter=${key} data-value=${n.counters ? n.counters[key] ?? '' : ''}>${n.counters && key in n.counters ? fmtCount(n.counters[key]) : '—'}</td>`)}
      </tr>`)}
      ${nodes.data && list.length === 0 ? html`<tr><td colspan=${8 + COUNTERS.length} class="muted">No nodes yet.</td></tr>` : null}
      </tbody>
    </table>
    </div>
  </section>`;
}
