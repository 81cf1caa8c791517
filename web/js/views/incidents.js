// The Incidents view (SPEC 10 item 6): open and resolved incidents, filtered and paged by the
// server (GET /api/alerts/incidents), and one incident's detail (#/incidents/<id>). Live
// `incident` events update the rows in place and refetch the pages an open or a resolve moves.
import { html, useState, useEffect, useRef, useCallback } from '../html.js';
import { api } from '../api.js';
import { subscribe } from '../live.js';
import { fmtDateTime, fmtDuration, timeAgo } from '../format.js';
import { Pager } from './common/ui.js';
import { IncidentDetail, OP, fmtValue, incidentState, useTickNow } from './incidents/detail.js';

const PER_PAGE = 20;

function IncidentTable({ title, id, list, onOpen, onPage, now }) {
  const { data, error, page } = list;
  const pages = data ? Math.max(1, Math.ceil(data.total / PER_PAGE)) : 1;
  return html`<section class="af-panel" aria-labelledby=${id + '-title'} data-testid=${id}>
    <h3 id=${id + '-title'}>${title}
      ${data && html` <span class="muted" data-value=${data.total}>(${data.total})</span>`}</h3>
    ${error && html`<p class="error af-error" role="alert">${error}</p>`}
    ${!data && !error && html`<p class="muted">Loading…</p>`}
    ${data && data.incidents.length === 0 && html`<p class="muted">None.</p>`}
    ${data && data.incidents.length > 0 && html`<table class="data af-table af-incidents">
      <thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Host</th>
        <th scope="col">Started</th><th scope="col">${id === 'incidents-open' ? 'Open for' : 'Lasted'}</th>
        <th scope="col">Trigger</th><th scope="col">Last</th><th scope="col">State</th></tr></thead>
      <tbody>${data.incidents.map((inc) => {
        const st = incidentState(inc);
        const end = inc.endTime ? Date.parse(inc.endTime) : now;
        return html`<tr data-incident-id=${inc.id}>
          <td><span class=${'st-' + (inc.severity === 'critical' ? 'bad' : 'warn')}>${inc.severity}</span></td>
          <td><a href=${'#/incidents/' + encodeURIComponent(inc.id)} onClick=${(e) => onOpen(e, inc)}
            class="af-name">${inc.ruleName}</a></td>
          <td>${inc.hostName}</td>
          <td title=${fmtDateTime(inc.startTime)}>${timeAgo(inc.startTime, now)}</td>
          <td>${fmtDuration((end - Date.parse(inc.startTime)) / 1000)}</td>
          <td data-value=${inc.triggerValue}>${fmtValue(inc.triggerValue)}
            <span class="muted"> (${OP[inc.operand] || inc.operand} ${fmtValue(inc.threshold)})</span></td>
          <td data-value=${inc.lastValue}>${fmtValue(inc.lastValue)}</td>
          <td><span class=${'st-' + st.cls}>${st.word}</span>${inc.stale ? ' · stale' : ''}</td>
        </tr>`;
      })}</tbody>
    </table>`}
    ${data && html`<${Pager} page=${page} pages=${pages} onPage=${onPage} label=${title + ' pages'} />`}
  </section>`;
}

const EMPTY = { data: null, error: '', page: 1 };

function Filters({ filters, onChange }) {
  const [draft, setDraft] = useState(filters);
  // The server filters by exact rule name: offer the rules in force.
  const [rules, setRules] = useState([]);
  useEffect(() => {
    api('/api/alerts/rules').then((d) => setRules((d.rules || []).map((r) => r.name)), () => {});
  }, []);
  const set = (k) => (e) => setDraft((d) => ({ ...d, [k]: e.currentTarget.value }));
  const submit = (e) => {
    e.preventDefault();
    onChange(draft);
  };
  const clear = () => {
    const none = { rule: '', host: '', from: '', to: '' };
    setDraft(none);
    onChange(none);
  };
  return html`<form class="af-filters" onSubmit=${submit} aria-label="Filter incidents">
    <label>Rule <select value=${draft.rule} onChange=${set('rule')} name="rule">
      <option value="" selected=${draft.rule === ''}>All rules</option>
      ${rules.map((n) => html`<option value=${n} selected=${draft.rule === n}>${n}</option>`)}
    </select></label>
    <label>Host <input type="text" value=${draft.host} onInput=${set('host')} name="host" /></label>
    <label>From <input type="datetime-local" value=${draft.from} onInput=${set('from')} name="from" /></label>
    <label>To <input type="datetime-local" value=${draft.to} onInput=${set('to')} name="to" /></label>
    <button type="submit" class="btn">Apply</button>
    <button type="button" class="btn" onClick=${clear}>Clear</button>
  </form>`;
}

function toQuery(filters, state, page) {
  const iso = (v) => {
    if (!v) return undefined;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? v : d.toISOString();
  };
  return {
    state, page, per_page: PER_PAGE, rule: filters.rule || undefined,
    host: filters.host || undefined, from: iso(filters.from), to: iso(filters.to),
  };
}

function IncidentLists() {
  const [filters, setFilters] = useState({ rule: '', host: '', from: '', to: '' });
  const [open, setOpen] = useState(EMPTY);
  const [resolved, setResolved] = useState(EMPTY);
  const pages = useRef({ open: 1, resolved: 1 });
  const now = useTickNow();
  const timer = useRef(null);

  const fetchList = useCallback(async (state, page, f) => {
    const setter = state === 'open' ? setOpen : setResolved;
    pages.current[state] = page;
    try {
      const data = await api('/api/alerts/incidents', { query: toQuery(f, state, page) });
      if (pages.current[state] === page) setter({ data, error: '', page });
    } catch (ex) {
      setter((old) => ({ ...old, error: ex.message, page }));
    }
  }, []);

  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const reload = useCallback(() => {
    fetchList('open', pages.current.open, filtersRef.current);
    fetchList('resolved', pages.current.resolved, filtersRef.current);
  }, [fetchList]);

  useEffect(() => {
    fetchList('open', 1, filters);
    fetchList('resolved', 1, filters);
  }, [filters]);

  useEffect(() => {
    window.addEventListener('botmon:refresh', reload);
    const off = subscribe('incident', (ev) => {
      if (!ev || !ev.incident) return;
      const inc = ev.incident;
      // In place: the row of a visible incident takes the event's copy (lastValue, ack...).
      const patch = (old) => {
        if (!old.data || !old.data.incidents.some((i) => i.id === inc.id)) return old;
        const incidents = old.data.incidents.map((i) => (i.id === inc.id ? { ...i, ...inc, sessions: i.sessions } : i));
        return { ...old, data: { ...old.data, incidents } };
      };
      if (ev.op === 'acknowledged' || ev.op === 'updated') {
        setOpen(patch);
        setResolved(patch);
        return;
      }
      // An open or a resolve moves incidents between the lists: refetch both pages once per
      // burst (the server applies the filters and the order).
      clearTimeout(timer.current);
      timer.current = setTimeout(reload, 200);
    });
    return () => {
      off();
      window.removeEventListener('botmon:refresh', reload);
      clearTimeout(timer.current);
    };
  }, [reload]);

  const openDetail = (e, inc) => {
    e.preventDefault();
    location.hash = '#/incidents/' + encodeURIComponent(inc.id);
  };
  return html`
    <${Filters} filters=${filters} onChange=${setFilters} />
    <${IncidentTable} title="Open" id="incidents-open" list=${open} onOpen=${openDetail} now=${now}
      onPage=${(p) => fetchList('open', p, filters)} />
    <${IncidentTable} title="Resolved" id="incidents-resolved" list=${resolved} onOpen=${openDetail} now=${now}
      onPage=${(p) => fetchList('resolved', p, filters)} />`;
}

export function IncidentsView({ me, param }) {
  const admin = me && me.role === 'admin';
  const back = (e) => {
    e.preventDefault();
    location.hash = '#/incidents';
  };
  return html`<section class="view af-view" aria-labelledby="incidents-title">
    <h2 id="incidents-title">Incidents</h2>
    ${param
      ? html`<${IncidentDetail} id=${param} admin=${admin} onBack=${back} />`
      : html`<${IncidentLists} />`}
  </section>`;
}
