// One incident (#/incidents/<id>): Botpress's fields and botmon's, the timeline, Acknowledge
// (admin), the sessions active during it (SPEC 7.7) and its deliveries. The open detail follows
// the live stream's `incident` events for its id.
import { html, useState, useEffect, useRef } from '../../html.js';
import { api } from '../../api.js';
import { subscribe } from '../../live.js';
import { fmtDateTime, fmtDuration, fmtChannel, timeAgo, statusClass } from '../../format.js';
import { Pager } from '../common/ui.js';

export const OP = { equalOrMoreThan: '≥', equalOrLessThan: '≤' };

// The current time, moved on every `status` event (one per tick), so "open for" and durations
// of open incidents advance with the server's ticks rather than with a timer of their own.
export function useTickNow() {
  const [now, setNow] = useState(Date.now());
  useEffect(() => subscribe('status', () => setNow(Date.now())), []);
  return now;
}

export function fmtValue(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return n === undefined || n === null ? '—' : String(n);
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

export function fmtGroup(g) {
  const e = Object.entries(g || {});
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(', ') : 'whole cluster';
}

export function incidentState(inc) {
  if (inc.state === 'resolved') return { word: 'resolved', cls: 'ok' };
  if (inc.acknowledgedAt) return { word: 'open, acknowledged', cls: 'warn' };
  return { word: 'open', cls: 'bad' };
}

// The sessions listing of A.3's `sessions.href`: an /api/monitoring/sessions URL with from, to
// and host. It is fetched as given, through api() (same origin, the session cookie).
function hrefQuery(href, page) {
  const u = new URL(href, location.origin);
  const query = Object.fromEntries(u.searchParams.entries());
  query.page = page;
  query.per_page = 20;
  return { path: u.pathname, query };
}

function LinkedSessions({ incident }) {
  const [page, setPage] = useState(1);
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  const link = incident.sessions;
  // The listing's window grows while the incident is open; refetch when its end moves.
  const key = link ? link.href : '';
  useEffect(() => {
    if (!link || !link.href) return;
    const ctl = new AbortController();
    const { path, query } = hrefQuery(link.href, page);
    api(path, { query, signal: ctl.signal })
      .then((d) => { setData(d); setError(''); })
      .catch((ex) => { if (ex.name !== 'AbortError') setError(ex.message); });
    return () => ctl.abort();
  }, [key, page]);

  if (!link) return null;
  const total = data ? data.total : link.count;
  return html`<section class="af-panel" aria-labelledby="inc-sessions-title" data-testid="incident-sessions">
    <h3 id="inc-sessions-title">Linked sessions
      <span class="muted"> (${total === undefined ? '…' : total} active during the incident)</span></h3>
    ${error && html`<p class="error af-error" role="alert">${error}</p>`}
    ${data && data.sessions.length === 0 && html`<p class="muted">No sessions were active during it.</p>`}
    ${data && data.sessions.length > 0 && html`<table class="data af-table">
      <thead><tr><th scope="col">ID</th><th scope="col">User</th><th scope="col">Bot</th>
        <th scope="col">Channel</th><th scope="col">Started</th><th scope="col">Messages</th>
        <th scope="col">Flags</th></tr></thead>
      <tbody>${data.sessions.map((s) => html`<tr data-session-id=${s.id}>
        <td><a href=${'#/sessions/' + encodeURIComponent(s.id)}>${s.id}</a></td>
        <td>${s.user}</td><td>${s.bot}</td><td>${fmtChannel(s.channel)}</td>
        <td title=${fmtDateTime(s.started)}>${timeAgo(s.started)}</td>
        <td data-value=${s.message_count}>${s.message_count}</td>
        <td>${(s.flags || []).join(', ')}</td></tr>`)}</tbody>
    </table>`}
    ${data && html`<${Pager} page=${page} pages=${data.pages} onPage=${setPage} label="Linked sessions pages" />`}
  </section>`;
}

function Deliveries({ id, version }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    const ctl = new AbortController();
    api('/api/alerts/deliveries', { query: { incident: id, per_page: 100 }, signal: ctl.signal })
      .then((d) => { setData(d); setError(''); })
      .catch((ex) => { if (ex.name !== 'AbortError') setError(ex.message); });
    return () => ctl.abort();
  }, [id, version]);
  return html`<section class="af-panel" aria-labelledby="inc-deliveries-title" data-testid="incident-deliveries">
    <h3 id="inc-deliveries-title">Deliveries</h3>
    ${error && html`<p class="error af-error" role="alert">${error}</p>`}
    ${data && data.deliveries.length === 0 && html`<p class="muted">No notifications or hook runs for this incident.</p>`}
    ${data && data.deliveries.length > 0 && html`<table class="data af-table">
      <thead><tr><th scope="col">Channel</th><th scope="col">Event</th><th scope="col">State</th>
        <th scope="col">Attempts</th><th scope="col">Last attempt</th><th scope="col">Delivery id</th></tr></thead>
      <tbody>${data.deliveries.map((d) => {
        const last = (d.attempts || [])[d.attempts.length - 1];
        const cls = d.state === 'sent' ? 'ok' : d.state === 'failed' ? 'bad' : d.state === 'pending' ? 'warn' : 'unknown';
        return html`<tr data-delivery-id=${d.deliveryId}>
          <td>${d.channel}</td><td>${d.event}</td>
          <td><span class=${'st-' + cls}>${d.state}</span></td>
          <td data-value=${d.attemptCount}>${d.attemptCount}</td>
          <td>${last ? html`${fmtDateTime(last.at)} · ${last.ok ? 'ok' : 'failed'}${last.status !== null && last.status !== undefined ? ' ' + last.status : ''}
            ${last.error ? html` · <span class="af-err-text">${last.error}</span>` : ''}` : (d.lastError || '—')}</td>
          <td class="af-mono">${d.deliveryId.slice(0, 8)}</td></tr>`;
      })}</tbody>
    </table>`}
  </section>`;
}

function AckForm({ incident, onDone }) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  async function ack(e) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const body = comment.trim() ? { comment: comment.trim() } : {};
      const inc = await api(`/api/alerts/incidents/${encodeURIComponent(incident.id)}/ack`, { method: 'POST', body });
      onDone(inc);
    } catch (ex) {
      setError(ex.message);
    } finally {
      setBusy(false);
    }
  }
  return html`<form class="af-ack" onSubmit=${ack} aria-label="Acknowledge">
    <label for="ack-comment">Comment (optional)</label>
    <input id="ack-comment" type="text" maxlength="1024" value=${comment}
      onInput=${(e) => setComment(e.currentTarget.value)} />
    <button type="submit" class="btn primary" disabled=${busy}>Acknowledge</button>
    ${error && html`<p class="error af-error" role="alert">${error}</p>`}
  </form>`;
}

export function IncidentDetail({ id, admin, onBack }) {
  const [inc, setInc] = useState(null);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  const timer = useRef(null);
  const now = useTickNow();

  useEffect(() => {
    let alive = true;
    setInc(null);
    setError('');
    const load = () => api(`/api/alerts/incidents/${encodeURIComponent(id)}`)
      .then((d) => { if (alive) { setInc(d); setError(''); } })
      .catch((ex) => { if (alive) setError(ex.message); });
    load();
    const onRefresh = () => { load(); setVersion((v) => v + 1); };
    window.addEventListener('botmon:refresh', onRefresh);
    // The event carries the whole incident (without `sessions`, which only the API adds): apply
    // it at once, keep the sessions link, and let the deliveries table refetch.
    const off = subscribe('incident', (ev) => {
      if (!ev || !ev.incident || ev.incident.id !== id) return;
      setInc((old) => ({ ...ev.incident, sessions: ev.incident.sessions || (old && old.sessions) }));
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setVersion((v) => v + 1), 300);
      // A resolve moves the end of the sessions window: the API has the final link.
      if (ev.op === 'resolved') load();
    });
    return () => {
      alive = false;
      off();
      window.removeEventListener('botmon:refresh', onRefresh);
      clearTimeout(timer.current);
    };
  }, [id]);

  const back = html`<p><a href="#/incidents" onClick=${onBack}>← All incidents</a></p>`;
  if (error) return html`<section class="af-detail">${back}<p class="error af-error" role="alert">${error}</p></section>`;
  if (!inc) return html`<section class="af-detail">${back}<p class="muted">Loading incident…</p></section>`;
  const st = incidentState(inc);
  const row = (field, label, value, raw) => html`<div class="af-dl-row"><dt>${label}</dt>
    <dd data-field=${field} data-value=${raw === undefined ? undefined : raw}>${value}</dd></div>`;
  const endMs = inc.endTime ? Date.parse(inc.endTime) : now;
  return html`<section class="af-detail" aria-labelledby="incident-title" data-incident-id=${inc.id}>
    ${back}
    <h3 id="incident-title">
      <span class=${'st-' + (inc.severity === 'critical' ? 'bad' : 'warn')}>${inc.severity}</span>
      ${' '}<q class="af-name">${inc.ruleName}</q> on ${inc.hostName}
    </h3>
    <p><span class=${'st-' + st.cls} data-testid="incident-state">${st.word}</span>
      ${inc.stale && html` · <span class="st-unknown">stale (the node stopped reporting)</span>`}</p>
    ${inc.description && html`<p class="af-description">${inc.description}</p>`}
    <dl class="af-dl" data-testid="incident-fields">
      ${row('id', 'ID', html`<span class="af-mono">${inc.id}</span>`)}
      ${row('ruleName', 'Rule (ruleName)', html`<a href=${'#/alerts/' + encodeURIComponent(inc.ruleName)}>${inc.ruleName}</a>`)}
      ${row('hostName', 'Host (hostName)', inc.hostName)}
      ${row('group', 'Group', fmtGroup(inc.group))}
      ${row('startTime', 'Started (startTime)', fmtDateTime(inc.startTime), inc.startTime)}
      ${row('endTime', 'Ended (endTime)', inc.endTime ? fmtDateTime(inc.endTime) : 'still open', inc.endTime)}
      ${row('duration', 'Duration', fmtDuration((endMs - Date.parse(inc.startTime)) / 1000))}
      ${row('condition', 'Condition', `${inc.aggregation}(${inc.field}) ${OP[inc.operand] || inc.operand} ${fmtValue(inc.threshold)}`)}
      ${row('triggerValue', 'Trigger value (triggerValue)', fmtValue(inc.triggerValue), inc.triggerValue)}
      ${row('lastValue', 'Last value', fmtValue(inc.lastValue), inc.lastValue)}
      ${row('acknowledged', 'Acknowledged', inc.acknowledgedAt
        ? `${fmtDateTime(inc.acknowledgedAt)} by ${inc.acknowledgedBy || '?'}` : 'no')}
      ${inc.silencedBy && row('silencedBy', 'Silenced by', inc.silencedBy)}
    </dl>
    ${admin && inc.state === 'open' && !inc.acknowledgedAt &&
      html`<${AckForm} incident=${inc} onDone=${(d) => { setInc(d); setVersion((v) => v + 1); }} />`}
    <section class="af-panel" aria-labelledby="timeline-title">
      <h3 id="timeline-title">Timeline</h3>
      <ol class="af-timeline" data-testid="timeline">
        ${(inc.timeline || []).map((t) => html`<li data-event=${t.event}>
          <time datetime=${t.at}>${fmtDateTime(t.at)}</time>
          <span class=${'af-event st-' + eventClass(t.event)}>${t.event}</span>
          <span class="af-event-detail">${t.detail}</span>
        </li>`)}
      </ol>
    </section>
    <${LinkedSessions} incident=${inc} />
    <${Deliveries} id=${inc.id} version=${version} />
  </section>`;
}

function eventClass(ev) {
  if (ev === 'opened' || ev === 'notify_failed' || ev === 'failed') return 'bad';
  if (ev === 'resolved' || ev === 'notified') return 'ok';
  if (ev === 'acknowledged' || ev === 'stale') return 'warn';
  return statusClass(ev);
}
