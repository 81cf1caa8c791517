// Health (SPEC 10 view 3): the seed's Service Health list (label, status dot and word, version,
// key figure, since when, latency, last error) and each node's last update. Live `service` events
// patch a check; `status` events carry the nodes' last updates.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { fmtDateTime, fmtMs, timeAgo } from '../format.js';
import { useResource, useLive, useTicker, useThrottle } from './common/hooks.js';
import { StatusWord, ErrorNote } from './common/ui.js';

function Transitions({ name }) {
  const one = useResource(() => api(`/api/monitoring/services/${encodeURIComponent(name)}`), [name]);
  const t = one.data ? one.data.transitions || [] : [];
  return html`<div class="transitions">
    <${ErrorNote} error=${one.error} />
    ${t.length === 0 ? html`<p class="muted">No transitions yet.</p>` : html`<ol class="plain">
      ${t.slice().reverse().map((x) => html`<li><span class="muted">${fmtDateTime(x.at)}</span> ${x.from ?? '—'} → <${StatusWord} status=${x.to} />${x.error ? html` <span class="muted small">${x.error}</span>` : null}</li>`)}
    </ol>`}
  </div>`;
}

function Services() {
  const list = useResource(() => api('/api/monitoring/services'), []);
  const [open, setOpen] = useState('');
  const refetch = useThrottle(list.reload, 2000);
  useLive('service', (ev) => {
    const known = list.data && list.data.services.some((s) => s.name === ev.name);
    if (!known) { refetch(); return; }
    list.setData((d) => ({
      ...d,
      services: d.services.map((s) => (s.name === ev.name ? { ...s, ...ev } : s)),
    }));
    // The key figure and version come only with the full object.
    refetch();
  });
  const services = list.data ? list.data.services : [];
  const running = services.filter((s) => s.status === 'running').length;
  return html`<section class="card" aria-labelledby="svc-title">
    <div class="view-head"><h3 id="svc-title">Service Health</h3>
      <span class="muted" data-testid="services-summary">${services.length ? `${running}/${services.length} running` : ''}</span></div>
    <${ErrorNote} error=${list.error} />
    ${list.data && services.length === 0 ? html`<p class="muted">No service checks are configured (checks: in botmon.yaml).</p>` : html`
    <table class="data services">
      <thead><tr><th scope="col">Service</th><th scope="col">Status</th><th scope="col">Version</th><th scope="col">Key figure</th>
        <th scope="col">Since</th><th scope="col" class="num">Latency</th><th scope="col">Last error</th></tr></thead>
      <tbody>${services.map((s) => html`<tr data-service=${s.name} data-status=${s.status}>
        <td><button type="button" class="linkish" aria-expanded=${open === s.name ? 'true' : 'false'}
          onClick=${() => setOpen(open === s.name ? '' : s.name)}>${s.label || s.name}</button>
          <span class="muted small"> ${s.kind}</span></td>
        <td><${StatusWord} status=${s.status} label=${s.status ? s.status[0].toUpperCase() + s.status.slice(1) : 'unknown'} /></td>
        <td>${s.version ? (String(s.version).startsWith('v') ? s.version : `v${s.version}`) : '—'}</td>
        <td>${s.figure ?? '—'}</td>
        <td title=${fmtDateTime(s.since)}>${timeAgo(s.since)}</td>
        <td class="num" data-value=${s.latency_ms ?? ''}>${s.latency_ms === null || s.latency_ms === undefined ? '—' : fmtMs(s.latency_ms)}</td>
        <td class="small">${s.error || ''}</td>
      </tr>${open === s.name ? html`<tr class="expanded"><td colspan="7"><${Transitions} name=${s.name} /></td></tr>` : null}`)}
      </tbody>
    </table>
    <p class="muted small legend">Legend: <${StatusWord} status="running" label="Running" /> <${StatusWord} status="warning" label="Warning" />
      <${StatusWord} status="sealed" label="Sealed" /> <${StatusWord} status="stopped" label="Stopped" /></p>`}
  </section>`;
}

function NodeUpdates() {
  const nodes = useResource(() => api('/api/monitoring/nodes'), []);
  useTicker(5000);
  useLive('status', (st) => {
    if (!st.nodes || !nodes.data) return;
    const by = new Map(st.nodes.map((n) => [n.host, n]));
    nodes.setData((d) => ({ ...d, nodes: d.nodes.map((n) => (by.has(n.host) ? { ...n, last_update: by.get(n.host).last_update } : n)) }));
  });
  const list = nodes.data ? nodes.data.nodes : [];
  return html`<section class="card" aria-labelledby="hn-title">
    <h3 id="hn-title">Nodes</h3>
    <${ErrorNote} error=${nodes.error} />
    <table class="data">
      <thead><tr><th scope="col">Host</th><th scope="col">Kind</th><th scope="col">Last update</th></tr></thead>
      <tbody>${list.map((n) => html`<tr data-host=${n.host}>
        <td>${n.host}</td><td>${n.kind}</td>
        <td title=${fmtDateTime(n.last_update)} data-value=${n.last_update}>${timeAgo(n.last_update)}${n.stale ? html` <span class="st-bad">stale</span>` : null}</td></tr>`)}
      </tbody>
    </table>
  </section>`;
}

export function HealthView() {
  return html`<section class="view health-view" aria-label="Health">
    <div class="view-head"><h2>Health</h2></div>
    <${Services} />
    <div class="spaced"></div>
    <${NodeUpdates} />
  </section>`;
}
