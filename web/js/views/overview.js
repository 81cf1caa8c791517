// Overview (SPEC 10 view 1): the seed's cards (Sessions, Messages, Response), the four resource
// bars coloured by the enabled default thresholds, open incidents and the services summary.
// Everything comes from GET /api/monitoring/status and then from the live `status` events.
import { html, useMemo } from '../html.js';
import { api } from '../api.js';
import { fmtCount, fmtMs, fmtPercent, fmtDateTime, timeAgo } from '../format.js';
import { useResource, useStatus, useLive, useThrottle } from './common/hooks.js';
import { StatusWord, ErrorNote } from './common/ui.js';

// Default thresholds of SPEC A.7, used until the rules API says which are enabled.
const BARS = [
  { key: 'cpu_percent', label: 'CPU', field: 'cpu.usage', warn: 80, crit: 95 },
  { key: 'memory_percent', label: 'MEM', field: 'mem.usage', warn: 85, crit: 95 },
  { key: 'gpu_percent', label: 'GPU', field: 'gpu.usage', warn: 90, crit: 98 },
  { key: 'disk_percent', label: 'DISK', field: 'disk.usage', warn: 80, crit: 90 },
];

// {field: {warn, crit}} from the enabled default rules; a disabled rule draws no colour step.
function thresholdsFrom(rules) {
  const out = {};
  for (const b of BARS) out[b.field] = { warn: b.warn, crit: b.crit };
  if (!rules) return out;
  for (const b of BARS) {
    const mine = rules.filter((r) => r.source === 'default' && r.field === b.field);
    if (!mine.length) continue;
    const w = mine.find((r) => r.severity === 'warning');
    const c = mine.find((r) => r.severity === 'critical');
    out[b.field] = { warn: w && w.enabled ? w.value : null, crit: c && c.enabled ? c.value : null };
  }
  return out;
}

function level(v, t) {
  if (v === null || v === undefined) return 'unknown';
  if (t.crit !== null && t.crit !== undefined && v >= t.crit) return 'bad';
  if (t.warn !== null && t.warn !== undefined && v >= t.warn) return 'warn';
  return 'ok';
}

const LEVEL_WORD = { ok: 'normal', warn: 'warning', bad: 'critical', unknown: 'n/a' };

function Bar({ bar, value, t }) {
  const lv = level(value, t);
  const has = value !== null && value !== undefined;
  const pct = has ? Math.max(0, Math.min(100, value)) : 0;
  const fill = (el) => { if (el) el.style.width = `${pct}%`; };
  return html`<div class="bar-row">
    <span class="name" id=${`bar-${bar.label}`}>${bar.label}</span>
    <div class="bar" role="meter" aria-label=${bar.label} aria-valuemin="0" aria-valuemax="100"
      aria-valuenow=${has ? value : 0} aria-valuetext=${has ? `${fmtPercent(value)}, ${LEVEL_WORD[lv]}` : 'not available'}
      data-value=${has ? value : ''}>
      <div class=${`fill ${lv}`} ref=${fill}></div>
    </div>
    <span class="pct">${has ? fmtPercent(value) : 'n/a'}<span class=${`word st-${lv}`}>${has && lv !== 'ok' ? LEVEL_WORD[lv] : ''}</span></span>
  </div>`;
}

function Card({ testid, label, value, text, sub }) {
  return html`<div class="card metric">
    <div class="label">${label}</div>
    <div class="value" data-testid=${testid} data-value=${value === null || value === undefined ? '' : value}>${text}</div>
    <div class="sub">${sub}</div>
  </div>`;
}

function OpenIncidents({ count }) {
  const inc = useResource(() => api('/api/alerts/incidents', { query: { state: 'open', per_page: 5 } }), []);
  const refetch = useThrottle(inc.reload, 1000);
  useLive('incident', refetch);
  const list = inc.data ? inc.data.incidents : [];
  return html`<section class="card" aria-labelledby="ov-inc">
    <h3 id="ov-inc">Open incidents <span class="muted" data-testid="incidents-open" data-value=${count ?? ''}>${count ?? '—'}</span></h3>
    <${ErrorNote} error=${inc.error} />
    ${list.length === 0 ? html`<p class="muted">No open incidents.</p>` : html`<ul class="plain">
      ${list.map((i) => html`<li><a href=${`#/incidents/${encodeURIComponent(i.id)}`}>
        <${StatusWord} status=${i.severity === 'critical' ? 'critical' : 'warning'} label=${i.severity} /> ${i.ruleName}
        ${i.hostName ? ` on ${i.hostName}` : ''}</a> <span class="muted small" title=${fmtDateTime(i.startTime)}>${timeAgo(i.startTime)}</span></li>`)}
    </ul>`}
    <a href="#/incidents">All incidents</a>
  </section>`;
}

function Services({ services }) {
  const names = Object.keys(services || {}).sort();
  const running = names.filter((n) => services[n] === 'running').length;
  return html`<section class="card" aria-labelledby="ov-svc">
    <h3 id="ov-svc">Services <span class="muted" data-testid="services-running">${names.length ? `${running}/${names.length} running` : ''}</span></h3>
    ${names.length === 0 ? html`<p class="muted">No service checks configured.</p>` : html`<ul class="plain services-summary">
      ${names.map((n) => html`<li data-service=${n}><span class="svc-name">${n}</span> <${StatusWord} status=${services[n]} /></li>`)}
    </ul>`}
    <a href="#/health">Service health</a>
  </section>`;
}

export function OverviewView() {
  const first = useResource(() => api('/api/monitoring/status'), []);
  const status = useStatus(first.data);
  const rules = useResource(() => api('/api/alerts/rules').then((r) => r.rules), []);
  const t = useMemo(() => thresholdsFrom(rules.data), [rules.data]);
  if (!status) {
    return html`<section class="view" aria-label="Overview"><${ErrorNote} error=${first.error} /><p class="loading">Loading…</p></section>`;
  }
  const s = status.sessions || {};
  const m = status.messages || {};
  const r = status.resources || {};
  return html`<section class="view overview" aria-label="Overview">
    <div class="view-head"><h2>Monitoring Dashboard</h2>
      ${status.config_error && html`<span class="error" role="alert">Configuration error: ${status.config_error}</span>`}
      <span class="spacer"></span><span class="muted small" data-testid="generated-at" data-value=${status.generated_at}>updated ${fmtDateTime(status.generated_at)}</span></div>
    <div class="cards">
      <${Card} testid="sessions-active" label="Sessions" value=${s.active} text=${fmtCount(s.active)} sub=${`Active · peak today ${fmtCount(s.peak_today)}`} />
      <${Card} testid="messages-today" label="Messages" value=${m.today} text=${fmtCount(m.today)} sub=${`Today · ${fmtCount(m.this_hour)} this hour`} />
      <${Card} testid="response-avg" label="Response" value=${m.avg_response_ms} text=${fmtMs(m.avg_response_ms)} sub="Average today" />
    </div>
    <div class="panels">
      <section class="card" aria-labelledby="ov-res">
        <h3 id="ov-res">System resources</h3>
        <div class="bars">${BARS.map((b) => html`<${Bar} bar=${b} value=${r[b.key]} t=${t[b.field]} />`)}</div>
      </section>
      <${OpenIncidents} count=${status.incidents ? status.incidents.open : null} />
      <${Services} services=${status.services} />
    </div>
  </section>`;
}
