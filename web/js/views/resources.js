// Resources (SPEC 10 view 4): uPlot charts from GET /api/monitoring/history — CPU/memory/GPU/disk,
// traffic (requests, events in/out, errors) and response latency p50/p95/p99 — with time-frame
// and host selectors. Gaps (null) are drawn as gaps. The window is fixed: live `points` events
// append to the retained arrays (merged into buckets of the history's step) and the oldest points
// fall off the front, so a page left open keeps a bounded size.
import { html, useState, useEffect, useRef } from '../html.js';
import { api } from '../api.js';
import { fmtPercent, fmtCount, fmtMs } from '../format.js';
import { useResource, useLive } from './common/hooks.js';
import { ErrorNote } from './common/ui.js';
import { chartOptions, CHART_HEIGHT } from './chart.js';

const PERIODS = [
  ['15m', 15 * 60e3], ['1h', 3600e3], ['6h', 6 * 3600e3], ['24h', 24 * 3600e3],
  ['7d', 7 * 86400e3], ['30d', 30 * 86400e3],
];
// Above this many points per series the history is asked for a coarser step.
const MAX_POINTS = 4000;

const CHARTS = [
  {
    id: 'resources', title: 'CPU, memory, GPU and disk usage', unit: '%', range: [0, 100],
    series: [['cpu.usage', 'CPU', '#4aa3ff'], ['mem.usage', 'Memory', '#2fbf71'],
      ['gpu.usage', 'GPU', '#e3b341'], ['disk.usage', 'Disk', '#c678dd']],
    fmt: fmtPercent,
  },
  {
    id: 'traffic', title: 'Requests, events in/out and errors per step', unit: 'count',
    series: [['requests.count', 'Requests', '#4aa3ff'], ['eventsIn.count', 'Events in', '#2fbf71'],
      ['eventsOut.count', 'Events out', '#56b6c2'], ['errors.count', 'Errors', '#f85149']],
    fmt: fmtCount,
  },
  {
    id: 'latency', title: 'Response latency p50, p95, p99', unit: 'ms',
    series: [['response.latency_p50', 'p50', '#2fbf71'], ['response.latency_p95', 'p95', '#e3b341'],
      ['response.latency_p99', 'p99', '#f85149']],
    fmt: fmtMs,
  },
];
const FIELDS = CHARTS.flatMap((c) => c.series.map((s) => s[0]));

// How a bucket combines several ticks: counters add up, percentiles take the max, gauges average.
function kindOf(field) {
  if (field.endsWith('.count')) return 'sum';
  if (/\.latency_p\d\d$/.test(field)) return 'max';
  return 'avg';
}

// The retained columns for one (period, host) fetch; mutated in place by live points.
function buildStore(h, periodMs, host) {
  const n = h.series.length ? h.series[0].values.length : 0;
  const xs = new Array(n);
  for (let i = 0; i < n; i++) xs[i] = (h.t0 + i * h.step_ms) / 1000;
  const cols = {};
  for (const f of FIELDS) cols[f] = null;
  for (const s of h.series) {
    if (host === '*' || s.host === host || !host) cols[s.field] = s.values.slice();
  }
  for (const f of FIELDS) if (!cols[f]) cols[f] = new Array(n).fill(null);
  const present = new Set(h.series.map((s) => s.field));
  return {
    xs, cols, present, step: h.step_ms / 1000, periodS: periodMs / 1000, host,
    to: Date.parse(h.to) / 1000, live: null,   // live: {x, n} of the bucket being filled live
  };
}

// Appends or merges one `points` event; returns true when the arrays changed.
function addPoint(store, p) {
  const t = p.t / 1000;
  if (t <= store.to) return false;   // already counted in the fetched history
  const last = store.xs.length ? store.xs[store.xs.length - 1] : t - store.step;
  if (store.live && t < store.live.x + store.step) {
    const b = store.live;
    b.n += 1;
    const i = store.xs.length - 1;
    for (const f of FIELDS) {
      const v = p.values[f];
      if (typeof v !== 'number') continue;
      const cur = store.cols[f][i];
      const kind = kindOf(f);
      if (cur === null || cur === undefined) store.cols[f][i] = v;
      else if (kind === 'sum') store.cols[f][i] = cur + v;
      else if (kind === 'max') store.cols[f][i] = Math.max(cur, v);
      else store.cols[f][i] = cur + (v - cur) / b.n;
    }
    return true;
  }
  // A new bucket, aligned on the history's grid; skipped buckets stay as gaps (null).
  let x = last + store.step;
  if (t >= x + store.step) x = last + Math.floor((t - last) / store.step) * store.step;
  if (x - last > store.step) {
    store.xs.push(last + store.step);
    for (const f of FIELDS) store.cols[f].push(null);
  }
  store.xs.push(x);
  for (const f of FIELDS) {
    const v = p.values[f];
    store.cols[f].push(typeof v === 'number' ? v : null);
    if (typeof v === 'number') store.present.add(f);
  }
  store.live = { x, n: 1 };
  // Fixed window: drop what fell out of the period.
  const cutoff = x - store.periodS;
  let drop = 0;
  while (drop < store.xs.length && store.xs[drop] < cutoff) drop++;
  if (drop) {
    store.xs.splice(0, drop);
    for (const f of FIELDS) store.cols[f].splice(0, drop);
  }
  return true;
}

function latest(arr) {
  for (let i = arr.length - 1; i >= 0; i--) if (arr[i] !== null && arr[i] !== undefined) return arr[i];
  return null;
}

function Chart({ chart, store, version, periodLabel, hostLabel }) {
  const box = useRef(null);
  const plot = useRef(null);
  const series = chart.series.filter(([f]) => f !== 'gpu.usage' || store.present.has(f));
  const data = () => [store.xs, ...series.map(([f]) => store.cols[f])];

  useEffect(() => {
    const el = box.current;
    const width = Math.max(300, el.clientWidth || 600);
    const u = new uPlot(chartOptions(chart, series, width), data(), el);
    plot.current = u;
    // Follows the box's width (window resizes, the sidebar shown or hidden with S).
    const ro = new ResizeObserver(() => {
      const w = Math.max(300, el.clientWidth || 600);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height: CHART_HEIGHT });
    });
    ro.observe(el);
    return () => { ro.disconnect(); u.destroy(); plot.current = null; };
  }, [store, series.length]);

  useEffect(() => { if (plot.current && version) plot.current.setData(data()); }, [version]);

  const summary = series.map(([f, label]) => `${label} ${chart.fmt(latest(store.cols[f]))}`).join(', ');
  const label = `${chart.title} (${chart.unit}), last ${periodLabel}, ${hostLabel}`;
  return html`<figure class="chart card" data-chart=${chart.id}>
    <h3>${chart.title}</h3>
    <div class="chart-box" role="img" aria-label=${label} ref=${box}></div>
    <figcaption data-points=${store.xs.length}>${store.xs.length} points every ${store.step}s. Latest: ${summary}.</figcaption>
  </figure>`;
}

export function ResourcesView() {
  const [period, setPeriod] = useState('24h');
  const [host, setHost] = useState('');
  const [version, setVersion] = useState(0);
  const status = useResource(() => api('/api/monitoring/status'), []);
  const nodes = useResource(() => api('/api/monitoring/nodes'), []);
  const hosts = nodes.data ? nodes.data.nodes.map((n) => n.host) : [];
  const selected = host || hosts[0] || '';
  const tick = status.data ? status.data.tick_seconds : null;
  const periodMs = PERIODS.find((p) => p[0] === period)[1];

  const hist = useResource(async () => {
    if (!selected || !tick) return null;
    const tickMs = tick * 1000;
    const step = Math.ceil(periodMs / tickMs / MAX_POINTS) * tickMs;
    const h = await api('/api/monitoring/history', {
      query: { period, host: selected, fields: FIELDS.join(','), step: `${step / 1000}s` },
    });
    return buildStore(h, periodMs, selected);
  }, [period, selected, tick]);

  useLive('points', (p) => {
    const store = hist.data;
    if (!store || (store.host !== '*' && p.host !== store.host)) return;
    if (addPoint(store, p)) setVersion((v) => v + 1);
  });

  const store = hist.data;
  return html`<section class="view resources-view" aria-label="Resources">
    <div class="view-head">
      <h2>Resources</h2>
      <div class="segmented" role="group" aria-label="Time frame">
        ${PERIODS.map(([p]) => html`<button type="button" class="btn" aria-pressed=${p === period ? 'true' : 'false'}
          onClick=${() => setPeriod(p)}>${p}</button>`)}
      </div>
      <label>Host <select aria-label="Host" value=${selected} onChange=${(e) => setHost(e.currentTarget.value)}>
        ${hosts.map((h) => html`<option value=${h}>${h}</option>`)}
        ${hosts.length > 1 ? html`<option value="*">All hosts (aggregate)</option>` : null}
      </select></label>
    </div>
    <${ErrorNote} error=${hist.error || status.error || nodes.error} />
    ${!store ? html`<p class="loading">Loading…</p>` : html`<div class="charts">
      ${CHARTS.map((c) => html`<${Chart} key=${c.id} chart=${c} store=${store} version=${version}
        periodLabel=${period} hostLabel=${selected === '*' ? 'all hosts' : `host ${selected}`} />`)}
    </div>`}
  </section>`;
}
