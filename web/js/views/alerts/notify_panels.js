// The notification side of the Alerts view: channels with "Send test", silences and maintenance
// windows (list, create, delete). Admin edits; monitor sees the same lists without controls.
import { html, useState } from '../../html.js';
import { api } from '../../api.js';
import { fmtDateTime, fmtMs } from '../../format.js';
import {
  Field, ctl, errorsOf, FormErrors, parseMatch, formatMatch, localToIso, isoToLocalInput,
} from './fields.js';

// ---- Channels ----

function channelTarget(c) {
  if (c.url) return c.url;
  if (Array.isArray(c.to)) return c.to.join(', ');
  return c.to || '';
}

// One "Send test" result: ok or failed, the HTTP status or SMTP code, the latency, the error.
function TestResult({ r }) {
  if (r.pending) return html`<span class="af-muted" role="status">Sending…</span>`;
  if (r.error && r.ok === undefined) return html`<span class="af-bad" role="alert">${r.error}</span>`;
  return html`<span class=${r.ok ? 'af-ok' : 'af-bad'} role="status" data-testid="test-result"
      data-ok=${String(r.ok)}>
    ${r.ok ? '✔ ok' : '✖ failed'}
    ${r.status !== null && r.status !== undefined && html` · status <span data-value=${r.status}>${r.status}</span>`}
    ${' · '}<span data-value=${r.latencyMs}>${fmtMs(r.latencyMs)}</span>
    ${r.error && html` · <span class="af-err-text">${r.error}</span>`}
  </span>`;
}

export function ChannelsPanel({ channels, admin, error }) {
  const [results, setResults] = useState({});
  async function test(name) {
    setResults((m) => ({ ...m, [name]: { pending: true } }));
    try {
      const res = await api('/api/alerts/test', { method: 'POST', body: { channel: name } });
      const r = (res.results || []).find((x) => x.channel === name) || res.results[0];
      setResults((m) => ({ ...m, [name]: r || { error: 'no result' } }));
    } catch (ex) {
      setResults((m) => ({ ...m, [name]: { error: ex.message } }));
    }
  }
  return html`<section class="af-panel" aria-labelledby="channels-title">
    <h3 id="channels-title">Channels</h3>
    ${error && html`<p class="af-error" role="alert">${error}</p>`}
    ${channels.length === 0 && !error && html`<p class="af-muted">No channels: incidents are only
      listed here. Add channels in botmon.yaml, a bot's config.csv, or over the API.</p>`}
    ${channels.length > 0 && html`<table class="data af-table" data-testid="channels">
      <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Target</th>
        <th scope="col">Source</th>${admin && html`<th scope="col">Test</th>`}</tr></thead>
      <tbody>${channels.map((c) => html`<tr data-channel=${c.name}>
        <td>${c.name}</td><td>${c.kind}</td><td class="af-break">${channelTarget(c)}</td>
        <td>${c.file ? `${c.file}${c.line ? ':' + c.line : ''}` : 'api'}</td>
        ${admin && html`<td class="af-test-cell">
          <button type="button" class="btn" onClick=${() => test(c.name)} disabled=${results[c.name]?.pending}
            aria-label=${`Send test to ${c.name}`}>Send test</button>
          ${results[c.name] && html` <${TestResult} r=${results[c.name]} />`}
        </td>`}
      </tr>`)}</tbody>
    </table>`}
  </section>`;
}

// ---- Silences ----

const SILENCE_KEYS = ['match', 'startsAt', 'endsAt', 'untilResolved', 'comment'];

// A create form and a delete action on one API collection (silences, maintenance windows): the
// form's state, the API's per-field errors for `keys`, and a busy flag while posting.
function useCollectionForm(path, empty, keys, onChanged) {
  const [form, setForm] = useState(empty);
  const [errors, setErrors] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setForm((f) => ({ ...f, [k]: e.currentTarget.value }));
  const err = (k) => (errors && errors.byField[k]) || '';
  async function post(body) {
    setBusy(true);
    try {
      await api(path, { method: 'POST', body });
      setErrors(null);
      setForm(empty());
      onChanged();
    } catch (ex) {
      setErrors(errorsOf(ex, keys));
    } finally {
      setBusy(false);
    }
  }
  async function remove(id) {
    try {
      await api(`${path}/${encodeURIComponent(id)}`, { method: 'DELETE' });
      onChanged();
    } catch (ex) {
      setErrors(errorsOf(ex, []));
    }
  }
  return { form, setForm, errors, busy, set, err, post, remove };
}

function emptySilence() {
  return {
    match: '', startsAt: '', endsAt: isoToLocalInput(new Date(Date.now() + 3600_000)),
    untilResolved: '', comment: '',
  };
}

export function SilencesPanel({ silences, admin, onChanged, error }) {
  const { form, errors, busy, set, err, post, remove } =
    useCollectionForm('/api/alerts/silences', emptySilence, SILENCE_KEYS, onChanged);

  async function create(e) {
    e.preventDefault();
    const body = {};
    const m = parseMatch(form.match);
    if (Object.keys(m).length) body.match = m;
    if (form.startsAt) body.startsAt = localToIso(form.startsAt);
    if (form.untilResolved.trim()) body.untilResolved = form.untilResolved.trim();
    else if (form.endsAt) body.endsAt = localToIso(form.endsAt);
    if (form.comment) body.comment = form.comment;
    await post(body);
  }

  return html`<section class="af-panel" aria-labelledby="silences-title">
    <h3 id="silences-title">Silences</h3>
    <p class="af-muted">A silence mutes notifications (not incidents) that match it.</p>
    ${error && html`<p class="af-error" role="alert">${error}</p>`}
    ${silences.length === 0 && !error && html`<p class="af-muted">No silences.</p>`}
    ${silences.length > 0 && html`<table class="data af-table" data-testid="silences">
      <thead><tr><th scope="col">Match</th><th scope="col">From</th><th scope="col">Until</th>
        <th scope="col">Comment</th><th scope="col">By</th><th scope="col">State</th>
        ${admin && html`<th scope="col"><span class="af-sr">Actions</span></th>`}</tr></thead>
      <tbody>${silences.map((s) => html`<tr data-silence-id=${s.id}>
        <td>${formatMatch(s.match) || '—'}</td><td>${fmtDateTime(s.startsAt)}</td>
        <td>${s.untilResolved
          ? html`incident <a href=${'#/incidents/' + encodeURIComponent(s.untilResolved)}>${s.untilResolved.slice(0, 8)}</a> resolves`
          : fmtDateTime(s.endsAt)}</td>
        <td>${s.comment}</td><td>${s.createdBy}</td>
        <td>${s.expired ? 'expired' : 'active'}${s.readOnly ? ' (botmon.yaml)' : ''}</td>
        ${admin && html`<td>${!s.readOnly && html`<button type="button" class="btn af-danger"
          onClick=${() => remove(s.id)} aria-label=${`Delete silence ${s.id}`}>Delete</button>`}</td>`}
      </tr>`)}</tbody>
    </table>`}
    ${admin && html`<form class="af-form af-inline-form" onSubmit=${create} novalidate
        aria-label="New silence">
      <h4>New silence</h4>
      <${FormErrors} errors=${errors} id="silence-form-errors" />
      <fieldset class="af-grid" disabled=${busy}>
        <legend class="af-sr">New silence</legend>
        <${Field} id="silence-match" label="Match" error=${err('match')}
            hint="rule=..., host=..., bot=... (globs allowed)">
          <input type="text" value=${form.match} onInput=${set('match')} ...${ctl('silence-match', err('match'), true)} />
        <//>
        <${Field} id="silence-startsAt" label="Starts (empty = now)" error=${err('startsAt')}>
          <input type="datetime-local" value=${form.startsAt} onInput=${set('startsAt')}
            ...${ctl('silence-startsAt', err('startsAt'))} />
        <//>
        <${Field} id="silence-endsAt" label="Ends" error=${err('endsAt')}>
          <input type="datetime-local" value=${form.endsAt} onInput=${set('endsAt')}
            ...${ctl('silence-endsAt', err('endsAt'))} />
        <//>
        <${Field} id="silence-untilResolved" label="Or until incident resolves (id)"
            error=${err('untilResolved')}>
          <input type="text" value=${form.untilResolved} onInput=${set('untilResolved')}
            ...${ctl('silence-untilResolved', err('untilResolved'))} />
        <//>
        <${Field} id="silence-comment" label="Comment" error=${err('comment')}>
          <input type="text" value=${form.comment} onInput=${set('comment')}
            ...${ctl('silence-comment', err('comment'))} />
        <//>
      </fieldset>
      <div class="af-actions"><button type="submit" class="btn primary" disabled=${busy}>Add silence</button></div>
    </form>`}
  </section>`;
}

// ---- Maintenance windows ----

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MAINT_KEYS = ['name', 'from', 'to', 'timezone', 'days', 'start', 'duration', 'match', 'comment'];

function emptyWindow() {
  const now = new Date();
  return {
    name: '', kind: 'once', from: isoToLocalInput(now),
    to: isoToLocalInput(new Date(now.getTime() + 2 * 3600_000)), days: ['sun'], start: '02:00',
    duration: '2h', timezone: '', match: '', comment: '',
  };
}

function schedule(w) {
  if (w.weekly) {
    return `weekly ${w.weekly.days.join(', ')} at ${w.weekly.start} for ${w.weekly.duration}` +
      (w.timezone ? ` (${w.timezone})` : '');
  }
  return `${fmtDateTime(w.from)} → ${fmtDateTime(w.to)}`;
}

export function MaintenancePanel({ windows, admin, onChanged, error }) {
  const { form, setForm, errors, busy, set, err, post, remove } =
    useCollectionForm('/api/alerts/maintenance', emptyWindow, MAINT_KEYS, onChanged);
  const toggleDay = (d) => (e) => {
    const on = e.currentTarget.checked;
    setForm((f) => ({ ...f, days: on ? [...f.days, d] : f.days.filter((x) => x !== d) }));
  };

  async function create(e) {
    e.preventDefault();
    const body = { name: form.name };
    if (form.kind === 'once') {
      body.from = localToIso(form.from);
      body.to = localToIso(form.to);
    } else {
      body.weekly = { days: form.days, start: form.start, duration: form.duration };
      if (form.timezone.trim()) body.timezone = form.timezone.trim();
    }
    const m = parseMatch(form.match);
    if (Object.keys(m).length) body.match = m;
    if (form.comment) body.comment = form.comment;
    await post(body);
  }
  const weekly = form.kind === 'weekly';

  return html`<section class="af-panel" aria-labelledby="maintenance-title">
    <h3 id="maintenance-title">Maintenance windows</h3>
    <p class="af-muted">Notifications are muted during a window, one-off or weekly.</p>
    ${error && html`<p class="af-error" role="alert">${error}</p>`}
    ${windows.length === 0 && !error && html`<p class="af-muted">No maintenance windows.</p>`}
    ${windows.length > 0 && html`<table class="data af-table" data-testid="maintenance">
      <thead><tr><th scope="col">Name</th><th scope="col">When</th><th scope="col">Match</th>
        <th scope="col">Comment</th><th scope="col">State</th>
        ${admin && html`<th scope="col"><span class="af-sr">Actions</span></th>`}</tr></thead>
      <tbody>${windows.map((w) => html`<tr data-maintenance=${w.name}>
        <td>${w.name}</td><td>${schedule(w)}</td><td>${formatMatch(w.match) || 'everything'}</td>
        <td>${w.comment || ''}</td>
        <td>${w.active ? 'active now' : 'inactive'}${w.readOnly ? ' (botmon.yaml)' : ''}</td>
        ${admin && html`<td>${!w.readOnly && html`<button type="button" class="btn af-danger"
          onClick=${() => remove(w.name)} aria-label=${`Delete maintenance window ${w.name}`}>Delete</button>`}</td>`}
      </tr>`)}</tbody>
    </table>`}
    ${admin && html`<form class="af-form af-inline-form" onSubmit=${create} novalidate
        aria-label="New maintenance window">
      <h4>New maintenance window</h4>
      <${FormErrors} errors=${errors} id="maintenance-form-errors" />
      <fieldset class="af-grid" disabled=${busy}>
        <legend class="af-sr">New maintenance window</legend>
        <${Field} id="maint-name" label="Name" error=${err('name')}>
          <input type="text" value=${form.name} onInput=${set('name')} ...${ctl('maint-name', err('name'))} />
        <//>
        <${Field} id="maint-kind" label="Schedule">
          <select value=${form.kind} onChange=${set('kind')} id="maint-kind">
            <option value="once" selected=${!weekly}>One-off (from / to)</option>
            <option value="weekly" selected=${weekly}>Weekly</option>
          </select>
        <//>
        ${!weekly && html`
          <${Field} id="maint-from" label="From" error=${err('from')}>
            <input type="datetime-local" value=${form.from} onInput=${set('from')} ...${ctl('maint-from', err('from'))} />
          <//>
          <${Field} id="maint-to" label="To" error=${err('to')}>
            <input type="datetime-local" value=${form.to} onInput=${set('to')} ...${ctl('maint-to', err('to'))} />
          <//>`}
        ${weekly && html`
          <div class=${'af-field af-wide' + (err('days') ? ' af-invalid' : '')} role="group"
              aria-labelledby="maint-days-label"
              aria-describedby=${err('days') ? 'maint-days-error' : undefined}>
            <span class="af-label" id="maint-days-label">Days</span>
            <div class="af-checks">${DAYS.map((d) => html`<label class="af-check">
              <input type="checkbox" checked=${form.days.includes(d)} onChange=${toggleDay(d)} /> ${d}</label>`)}</div>
            ${err('days') && html`<p class="af-error" id="maint-days-error" role="alert">${err('days')}</p>`}
          </div>
          <${Field} id="maint-start" label="Start (local HH:MM)" error=${err('start')}>
            <input type="text" value=${form.start} onInput=${set('start')} ...${ctl('maint-start', err('start'))} />
          <//>
          <${Field} id="maint-duration" label="Duration" error=${err('duration')}>
            <input type="text" value=${form.duration} onInput=${set('duration')} ...${ctl('maint-duration', err('duration'))} />
          <//>
          <${Field} id="maint-timezone" label="Time zone (empty = the server's)" error=${err('timezone')}>
            <input type="text" value=${form.timezone} onInput=${set('timezone')} placeholder="Europe/Berlin"
              ...${ctl('maint-timezone', err('timezone'))} />
          <//>`}
        <${Field} id="maint-match" label="Match (empty = everything)" error=${err('match')}>
          <input type="text" value=${form.match} onInput=${set('match')} ...${ctl('maint-match', err('match'))} />
        <//>
        <${Field} id="maint-comment" label="Comment" error=${err('comment')}>
          <input type="text" value=${form.comment} onInput=${set('comment')} ...${ctl('maint-comment', err('comment'))} />
        <//>
      </fieldset>
      <div class="af-actions"><button type="submit" class="btn primary" disabled=${busy}>Add window</button></div>
    </form>`}
  </section>`;
}
