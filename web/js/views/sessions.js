// Sessions (SPEC 10 view 2): the sessions table with server-side paging, filters and search, the
// session metrics, and, for #/sessions/<id>, the session detail with its whole conversation.
// Live `session` events update rows in place and refetch the first page when sessions start.
import { html, useState, useEffect, useRef } from '../html.js';
import { api } from '../api.js';
import { fmtCount, fmtDuration, fmtDateTime, fmtTime, fmtChannel, fmtMs, timeAgo } from '../format.js';
import { useResource, useStatus, useLive, useThrottle, useTicker } from './common/hooks.js';
import { ErrorNote, Pager } from './common/ui.js';

const PER_PAGE = 10;
const CHANNELS = ['whatsapp', 'web', 'email', 'telegram'];
const FLAGS = ['fallback', 'handoff', 'error', 'feedback_positive', 'feedback_negative'];

function Flags({ flags }) {
  if (!flags || !flags.length) return null;
  return html`<span class="flags">${flags.map((f) => html`<span class="flag">${f.replace('_', ' ')}</span>`)}</span>`;
}

function SessionMetrics() {
  const first = useResource(() => api('/api/monitoring/status'), []);
  const status = useStatus(first.data);
  const nodes = useResource(() => api('/api/monitoring/nodes'), []);
  const s = (status && status.sessions) || {};
  let perSession = null;
  if (nodes.data) {
    let msgs = 0, started = 0;
    for (const n of nodes.data.nodes) {
      const c = n.counters || {};
      msgs += (c.messages_in || 0) + (c.messages_out || 0);
      started += c.sessions_started || 0;
    }
    if (started) perSession = Math.round((msgs / started) * 10) / 10;
  }
  return html`<div class="cards session-metrics">
    <div class="card metric"><div class="label">Active</div><div class="value" data-value=${s.active ?? ''}>${fmtCount(s.active)}</div><div class="sub">sessions now</div></div>
    <div class="card metric"><div class="label">Peak today</div><div class="value" data-value=${s.peak_today ?? ''}>${fmtCount(s.peak_today)}</div><div class="sub">concurrent</div></div>
    <div class="card metric"><div class="label">Avg duration</div><div class="value" data-value=${s.avg_duration_seconds ?? ''}>${fmtDuration(s.avg_duration_seconds)}</div><div class="sub">sessions started today</div></div>
    <div class="card metric"><div class="label">Messages / session</div><div class="value" data-value=${perSession ?? ''}>${perSession ?? '—'}</div><div class="sub">since the server started</div></div>
  </div>`;
}

function SessionList() {
  const [page, setPage] = useState(1);
  const [active, setActive] = useState('');
  const [channel, setChannel] = useState('');
  const [flag, setFlag] = useState('');
  const [q, setQ] = useState('');
  const [typed, setTyped] = useState('');
  useTicker(15000);
  const query = { page, per_page: PER_PAGE, active, channel, flag, q };
  const list = useResource(() => api('/api/monitoring/sessions', { query }), [page, active, channel, flag, q]);
  const refetch = useThrottle(list.reload, 2000);

  // A started session may belong on this page; an updated one is patched where it is shown.
  useLive('session', (ev) => {
    const row = ev.session;
    const shown = list.data && list.data.sessions.some((x) => x.id === row.id);
    if (shown) {
      list.setData((d) => ({ ...d, sessions: d.sessions.map((x) => (x.id === row.id ? { ...x, ...row } : x)) }));
      if (active === 'true' && ev.op === 'ended') refetch();
    } else if (ev.op === 'started' || page === 1) {
      refetch();
    }
  });

  // Search as the user types, after a pause; Enter searches at once.
  useEffect(() => {
    const id = setTimeout(() => { setQ(typed.trim()); setPage(1); }, 400);
    return () => clearTimeout(id);
  }, [typed]);

  const set = (fn) => (e) => { fn(e.currentTarget.value); setPage(1); };
  const d = list.data;
  const open = (id) => { location.hash = `#/sessions/${encodeURIComponent(id)}`; };
  return html`<section class="card" aria-labelledby="sess-title">
    <div class="view-head">
      <h3 id="sess-title">Sessions <span class="muted" data-testid="sessions-total" data-value=${d ? d.total : ''}>${d ? `(${fmtCount(d.total)})` : ''}</span></h3>
      <span class="spacer"></span>
      <button type="button" class="btn" onClick=${list.reload} aria-label="Refresh sessions">Refresh</button>
    </div>
    <form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); setQ(typed.trim()); setPage(1); }}>
      <label class="sr-only" for="sess-q">Search conversations</label>
      <input id="sess-q" type="search" placeholder="Search conversations…" value=${typed}
        onInput=${(e) => setTyped(e.currentTarget.value)} aria-label="Search conversations" />
      <select aria-label="State" value=${active} onChange=${set(setActive)}>
        <option value="">All sessions</option><option value="true">Active</option><option value="false">Ended</option>
      </select>
      <select aria-label="Channel" value=${channel} onChange=${set(setChannel)}>
        <option value="">All channels</option>
        ${CHANNELS.map((c) => html`<option value=${c}>${fmtChannel(c)}</option>`)}
      </select>
      <select aria-label="Flag" value=${flag} onChange=${set(setFlag)}>
        <option value="">Any flag</option>
        ${FLAGS.map((f) => html`<option value=${f}>${f.replace('_', ' ')}</option>`)}
      </select>
    </form>
    <${ErrorNote} error=${list.error} />
    <table class="data sessions">
      <thead><tr><th scope="col">ID</th><th scope="col">User</th><th scope="col">Channel</th><th scope="col">Bot</th>
        <th scope="col">Started</th><th scope="col">State</th><th scope="col" class="num">Messages</th></tr></thead>
      <tbody>
        ${d && d.sessions.map((s) => html`<tr class="clickable" tabindex="0" data-session-id=${s.id}
          onClick=${() => open(s.id)} onKeyDown=${(e) => { if (e.key === 'Enter') open(s.id); }}>
          <td><a href=${`#/sessions/${encodeURIComponent(s.id)}`} tabindex="-1">${s.id}</a></td>
          <td>${s.user || 'Unknown User'}</td>
          <td>${fmtChannel(s.channel)}</td>
          <td>${s.bot}</td>
          <td title=${fmtDateTime(s.started)}>${timeAgo(s.started)}</td>
          <td>${s.active ? html`<span class="st-ok">active</span>` : html`<span class="muted">ended</span>`} <${Flags} flags=${s.flags} /></td>
          <td class="num" data-value=${s.message_count}>${fmtCount(s.message_count)}</td>
        </tr>`)}
        ${d && d.sessions.length === 0 && html`<tr><td colspan="7" class="muted">No sessions match.</td></tr>`}
      </tbody>
    </table>
    ${d && html`<${Pager} page=${d.page} pages=${d.pages} onPage=${setPage} />`}
  </section>`;
}

function SessionDetail({ id }) {
  const detail = useResource(() => api(`/api/monitoring/sessions/${encodeURIComponent(id)}`), [id]);
  const refetch = useThrottle(detail.reload, 1000);
  useLive('session', (ev) => { if (ev.session && ev.session.id === id) refetch(); });
  const closeRef = useRef(null);
  useEffect(() => { closeRef.current?.focus(); }, [id]);
  const s = detail.data;
  return html`<section class="card session-detail" aria-labelledby="sd-title">
    <div class="view-head">
      <h3 id="sd-title">Session: <span data-testid="session-id">${id}</span></h3>
      <span class="spacer"></span>
      <a class="btn" href="#/sessions" ref=${closeRef} aria-label="Close session">× Close</a>
    </div>
    <${ErrorNote} error=${detail.error} />
    ${s && html`<dl class="session-meta">
      <dt>User</dt><dd data-testid="session-user">${s.user || 'Unknown User'}</dd>
      <dt>Channel</dt><dd>${fmtChannel(s.channel)}</dd>
      <dt>Started</dt><dd>${fmtDateTime(s.started)}</dd>
      <dt>Duration</dt><dd data-value=${s.duration_seconds}>${fmtDuration(s.duration_seconds)}${s.active ? ' (active)' : ''}</dd>
      <dt>Bot</dt><dd>${s.bot}</dd>
      <dt>Host</dt><dd>${s.host}</dd>
      <dt>Messages</dt><dd data-value=${s.message_count}>${s.message_count}</dd>
      ${s.flags && s.flags.length ? html`<dt>Flags</dt><dd><${Flags} flags=${s.flags} /></dd>` : null}
      ${s.incidents && s.incidents.length ? html`<dt>Incidents</dt><dd>${s.incidents.map((i) => html`<a href=${`#/incidents/${encodeURIComponent(i.id)}`}>${i.ruleName}</a> `)}</dd>` : null}
    </dl>
    <h4>Conversation</h4>
    <ol class="conversation" aria-label="Conversation">
      ${(s.messages || []).map((m, i) => html`<li data-direction=${m.direction} data-index=${i}>
        <span class="ts" title=${fmtDateTime(m.ts)}>[${fmtTime(m.ts)}]</span>
        <span class="who">${m.direction === 'user' ? 'User' : 'Bot'}</span>
        <span class="text">${m.text ?? html`<em class="muted">(text not stored)</em>`}${m.latency_ms !== undefined && m.latency_ms !== null ? html` <span class="muted small" data-value=${m.latency_ms}>(${fmtMs(m.latency_ms)})</span>` : null}</span>
      </li>`)}
      ${(s.messages || []).length === 0 && html`<li class="muted">No messages.</li>`}
    </ol>`}
  </section>`;
}

export function SessionsView({ param }) {
  return html`<section class="view sessions-view" aria-label="Sessions">
    <div class="view-head"><h2>Sessions</h2></div>
    ${param ? html`<${SessionDetail} id=${param} />` : html`<${SessionMetrics} /><${SessionList} />`}
  </section>`;
}
