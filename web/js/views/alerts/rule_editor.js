// The rule editor: one control per rule key of SPEC A.9, the API's per-field errors beside the
// controls, save (POST for a new rule, PUT for an API rule), delete, the on/off switch of a
// default rule, and a backtest preview of the rule as typed (unsaved).
import { html, useState, useEffect, useRef } from '../../html.js';
import { api } from '../../api.js';
import { fmtDateTime } from '../../format.js';
import {
  Field, ctl, errorsOf, FormErrors, parseMatch, formatMatch, parseList, numberOrText,
} from './fields.js';

export const BUILTIN_FIELDS = [
  'cpu.usage', 'mem.usage', 'mem.free', 'disk.usage', 'gpu.usage', 'gpu.mem.usage',
  'requests.count', 'requests.latency_sum', 'requests.latency_avg', 'requests.latency_p50',
  'requests.latency_p95', 'requests.latency_p99', 'eventsIn.count', 'eventsOut.count',
  'response.latency_avg', 'response.latency_p50', 'response.latency_p95', 'response.latency_p99',
  'warnings.count', 'errors.count', 'criticals.count', 'errors.rate', 'sessions.active',
  'sessions.started', 'sessions.ended', 'llm.calls', 'llm.tokens_in', 'llm.tokens_out',
  'llm.latency_avg', 'llm.latency_p95', 'llm.ttft_avg', 'llm.cost', 'fallback.count',
  'handoff.count', 'feedback.positive', 'feedback.negative', 'queue.depth', 'service.up',
  'service.latency', 'node.up',
];
const AGGREGATIONS = ['avg', 'sum', 'min', 'max', 'last', 'count', 'p50', 'p95', 'p99'];
const OPERANDS = [
  ['equalOrMoreThan', '≥ equalOrMoreThan'],
  ['equalOrLessThan', '≤ equalOrLessThan'],
];
const NODATA = ['keep', 'ok', 'alerting'];
const SEVERITIES = ['warning', 'critical'];
const PERIODS = ['1h', '6h', '24h', '7d'];
// The keys of A.9 that have a control here: an error naming any other key is shown above the form.
const KEYS = [
  'name', 'field', 'aggregation', 'operand', 'value', 'timeframe', 'for', 'cooldown',
  'clearValue', 'clearFor', 'severity', 'noData', 'groupBy', 'match', 'repeat', 'channels',
  'description', 'enabled',
];

// The form's state: every control holds text (or a boolean / a list for checkboxes), so a bad
// value stays as typed until the server has said what is wrong with it.
export function ruleToForm(r) {
  if (!r) {
    return {
      name: '', field: '', aggregation: 'avg', operand: 'equalOrMoreThan', value: '',
      timeframe: '5m', for: '0s', cooldown: '0s', clearValue: '', clearFor: '0s',
      severity: 'warning', noData: 'keep', groupBy: 'host', match: '', repeat: '0s',
      channels: [], description: '', enabled: true,
    };
  }
  return {
    name: r.name, field: r.field, aggregation: r.aggregation, operand: r.operand,
    value: String(r.value), timeframe: r.timeframe, for: r.for, cooldown: r.cooldown,
    clearValue: r.clearValue === undefined ? '' : String(r.clearValue), clearFor: r.clearFor,
    severity: r.severity, noData: r.noData, groupBy: (r.groupBy || []).join(', '),
    match: formatMatch(r.match), repeat: r.repeat, channels: [...(r.channels || [])],
    description: r.description || '', enabled: r.enabled !== false,
  };
}

// The A.9 body for the form. Optional duration keys left empty are omitted (the server's
// defaults apply); the name is sent verbatim, spaces included.
export function formToRule(f) {
  const r = {
    name: f.name, field: f.field.trim(), aggregation: f.aggregation, operand: f.operand,
    value: f.value.trim() === '' ? undefined : numberOrText(f.value), timeframe: f.timeframe.trim(),
    severity: f.severity, noData: f.noData, groupBy: parseList(f.groupBy),
    match: parseMatch(f.match), channels: f.channels, description: f.description,
    enabled: f.enabled,
  };
  for (const k of ['for', 'cooldown', 'clearFor', 'repeat']) {
    if (f[k].trim() !== '') r[k] = f[k].trim();
  }
  if (f.clearValue.trim() !== '') r.clearValue = numberOrText(f.clearValue);
  if (r.value === undefined) delete r.value;
  if (r.timeframe === '') delete r.timeframe;
  return r;
}

function sourceText(rule) {
  if (!rule) return '';
  if (rule.source === 'default') return 'the default rule set';
  if (rule.source === 'api') return 'the API (stored)';
  const where = rule.file ? `${rule.file}${rule.line ? ':' + rule.line : ''}` : rule.source;
  return `${rule.source} — ${where}`;
}

// rule: the rule being edited (null for a new one); channels: the channel list for the
// "Notify" checkboxes; onSaved(rule | null) after a save or delete.
export function RuleEditor({ rule, channels, admin, onSaved, onClose }) {
  const [form, setForm] = useState(() => ruleToForm(rule));
  const [errors, setErrors] = useState(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  // The view mounts one editor per rule (keyed by source and name), so the state above always
  // belongs to `rule`. The editor opens below the rules list: bring it into view, focus it.
  const heading = useRef(null);
  useEffect(() => {
    if (heading.current) {
      heading.current.focus({ preventScroll: true });
      heading.current.scrollIntoView({ block: 'start' });
    }
  }, []);

  const isNew = !rule;
  const isDefault = rule && rule.source === 'default';
  // Only API rules (and new ones) are editable; a default rule only switches on and off.
  const editable = admin && (isNew || rule.source === 'api');
  // An edited field's old error no longer describes it: drop it (the form-level lines stay).
  const clearError = (k) => setErrors((es) => {
    if (!es || !es.byField[k]) return es;
    const byField = { ...es.byField };
    delete byField[k];
    return { ...es, byField };
  });
  const set = (k) => (e) => {
    const v = e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value;
    setForm((f) => ({ ...f, [k]: v }));
    clearError(k);
  };
  const toggleChannel = (name) => (e) => {
    const on = e.currentTarget.checked;
    setForm((f) => ({
      ...f,
      channels: on ? [...f.channels, name] : f.channels.filter((c) => c !== name),
    }));
    clearError('channels');
  };
  const err = (k) => (errors && errors.byField[k]) || '';

  async function save(e) {
    e.preventDefault();
    if (!admin) return;
    setBusy(true);
    setNotice('');
    try {
      let saved;
      if (isDefault) {
        saved = await api(`/api/alerts/rules/${encodeURIComponent(rule.name)}`, {
          method: 'PUT', body: { enabled: form.enabled },
        });
      } else if (isNew) {
        saved = await api('/api/alerts/rules', { method: 'POST', body: formToRule(form) });
      } else {
        saved = await api(`/api/alerts/rules/${encodeURIComponent(rule.name)}`, {
          method: 'PUT', body: formToRule(form),
        });
      }
      setErrors(null);
      setNotice(`Saved "${saved.name}".`);
      onSaved(saved);
    } catch (ex) {
      setErrors(errorsOf(ex, KEYS));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!admin || !rule || rule.source !== 'api') return;
    if (!window.confirm(`Delete the rule "${rule.name}"?`)) return;
    setBusy(true);
    try {
      await api(`/api/alerts/rules/${encodeURIComponent(rule.name)}`, { method: 'DELETE' });
      onSaved(null);
    } catch (ex) {
      setErrors(errorsOf(ex, KEYS));
    } finally {
      setBusy(false);
    }
  }

  const ro = !editable;
  const names = channels.map((c) => c.name);
  for (const c of form.channels) if (!names.includes(c)) names.push(c);
  const text = (k, label, hint, extra = {}) => html`<${Field} id=${'rule-' + k} label=${label}
      error=${err(k)} hint=${hint}>
    <input type="text" name=${k} value=${form[k]} onInput=${set(k)} disabled=${ro}
      autocomplete="off" ...${ctl('rule-' + k, err(k), hint)} ...${extra} />
  <//>`;
  const select = (k, label, options) => html`<${Field} id=${'rule-' + k} label=${label}
      error=${err(k)}>
    <select name=${k} value=${form[k]} onChange=${set(k)} disabled=${ro} ...${ctl('rule-' + k, err(k))}>
      ${options.map((o) => {
        const [v, t] = Array.isArray(o) ? o : [o, o];
        return html`<option value=${v} selected=${form[k] === v}>${t}</option>`;
      })}
    </select>
  <//>`;

  return html`<section class="af-editor" aria-labelledby="rule-editor-title">
    <header class="af-editor-head">
      <h3 id="rule-editor-title" tabindex="-1" ref=${heading}>${isNew ? 'New rule' : html`Rule <q class="af-name">${rule.name}</q>`}</h3>
      <button type="button" class="btn af-link" onClick=${onClose}>Close</button>
    </header>
    ${rule && html`<p class="af-source" data-testid="rule-source">
      Source: ${sourceText(rule)}${rule.readOnly && rule.source !== 'default'
        ? ' — read-only here; edit the file and the server reloads it.' : ''}
      ${isDefault ? ' — only "Enabled" can change; define a rule with this name to change it.' : ''}
    </p>`}
    ${!admin && html`<p class="af-source">Read-only: editing rules needs the admin role.</p>`}
    <form class="af-form" onSubmit=${save} novalidate aria-label="Rule editor">
      <${FormErrors} errors=${errors} id="rule-form-errors" />
      <fieldset class="af-grid" disabled=${busy}>
        <legend>Condition</legend>
        ${text('name', 'Name', 'Unique, kept verbatim (spaces too)')}
        ${text('field', 'Field (metric)', 'A built-in field or a custom one', { list: 'af-field-names' })}
        <datalist id="af-field-names">${BUILTIN_FIELDS.map((f) => html`<option value=${f} />`)}</datalist>
        ${select('aggregation', 'Aggregation', AGGREGATIONS)}
        ${select('operand', 'Operand', OPERANDS)}
        ${text('value', 'Threshold (value)', null, { inputmode: 'decimal' })}
        ${text('timeframe', 'Timeframe', 'Rolling window, e.g. 2m; 0s = one tick')}
        ${text('for', 'For', 'Must hold this long before opening')}
        ${text('cooldown', 'Cooldown', 'No new incident this long after a resolve')}
        ${text('clearValue', 'Clear value', 'Hysteresis; empty = unset', { inputmode: 'decimal' })}
        ${text('clearFor', 'Clear for', 'Must be false this long before resolving')}
        ${select('noData', 'No data', NODATA)}
        ${select('severity', 'Severity', SEVERITIES)}
        ${text('groupBy', 'Group by', 'Dimensions, comma-separated; empty = whole cluster')}
        ${text('match', 'Match', 'dimension=value pairs, e.g. bot=mycompany, host=bot-*')}
        ${text('repeat', 'Repeat', 'Re-notify an unacknowledged incident; 0s = never')}
      </fieldset>
      <fieldset class="af-grid" disabled=${busy}>
        <legend>Notify</legend>
        <div class=${'af-field af-wide' + (err('channels') ? ' af-invalid' : '')}
            role="group" aria-labelledby="rule-channels-label"
            aria-describedby=${err('channels') ? 'rule-channels-error' : undefined}>
          <span id="rule-channels-label" class="af-label">Channels (none = the routes decide)</span>
          <div class="af-checks" id="rule-channels">
            ${names.length === 0 && html`<span class="af-muted">No channels configured.</span>`}
            ${names.map((n) => html`<label class="af-check">
              <input type="checkbox" name="channels" value=${n} checked=${form.channels.includes(n)}
                onChange=${toggleChannel(n)} disabled=${ro} /> ${n}</label>`)}
          </div>
          ${err('channels') && html`<p class="af-error" id="rule-channels-error" role="alert">${err('channels')}</p>`}
        </div>
        <${Field} id="rule-description" label="Description" error=${err('description')} wide
            hint="Placeholders: {{value}}, {{host}}, {{threshold}}, {{rule}}">
          <textarea name="description" rows="2" value=${form.description} onInput=${set('description')}
            disabled=${ro} ...${ctl('rule-description', err('description'), true)}></textarea>
        <//>
        <${Field} id="rule-enabled" label="Enabled" error=${err('enabled')}>
          <input type="checkbox" name="enabled" checked=${form.enabled} onChange=${set('enabled')}
            disabled=${!(editable || (admin && isDefault))} ...${ctl('rule-enabled', err('enabled'))} />
        <//>
      </fieldset>
      ${admin && (editable || isDefault) && html`<div class="af-actions">
        <button type="submit" class="btn primary" disabled=${busy}>${isNew ? 'Create rule' : 'Save'}</button>
        ${rule && rule.source === 'api' &&
          html`<button type="button" class="btn af-danger" onClick=${remove} disabled=${busy}>Delete</button>`}
        <span class="af-notice" role="status">${notice}</span>
      </div>`}
    </form>
    <${Backtest} form=${form} admin=${admin} onErrors=${(ex) => setErrors(errorsOf(ex, KEYS))} />
  </section>`;
}

// The backtest preview: the incidents the rule, as typed, would have opened over the stored
// samples of the chosen period (POST /api/alerts/rules/backtest with the unsaved rule).
function Backtest({ form, admin, onErrors }) {
  const [period, setPeriod] = useState('24h');
  const [result, setResult] = useState(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  if (!admin) return null;

  async function run() {
    setBusy(true);
    setError('');
    try {
      const body = formToRule(form);
      // A read-only rule (file or default) is previewed as shown: same keys, same evaluator.
      const res = await api('/api/alerts/rules/backtest', { method: 'POST', body, query: { period } });
      setResult(res);
    } catch (ex) {
      setResult(null);
      // Per-field problems go beside their fields, as for a save.
      if (ex.fields && ex.fields.length) onErrors(ex);
      else setError(ex.message);
    } finally {
      setBusy(false);
    }
  }

  return html`<section class="af-backtest" aria-labelledby="backtest-title" data-testid="backtest">
    <h4 id="backtest-title">Backtest</h4>
    <div class="af-row">
      <label for="backtest-period">Period</label>
      <select id="backtest-period" value=${period} onChange=${(e) => setPeriod(e.currentTarget.value)}>
        ${PERIODS.map((p) => html`<option value=${p} selected=${p === period}>${p}</option>`)}
      </select>
      <button type="button" class="btn" onClick=${run} disabled=${busy}>${busy ? 'Running…' : 'Backtest'}</button>
    </div>
    ${error && html`<p class="af-error" role="alert">${error}</p>`}
    ${result && html`<div class="af-backtest-result" data-testid="backtest-result" role="status">
      <p>
        <strong data-value=${result.incidents.length}>${result.incidents.length}</strong>
        ${result.incidents.length === 1 ? ' incident' : ' incidents'} would have opened
        over the last ${result.period} (${result.evaluations} evaluations, ${result.groups}
        ${result.groups === 1 ? ' group' : ' groups'}).
      </p>
      ${result.incidents.length > 0 && html`<table class="data af-table">
        <thead><tr><th scope="col">Group</th><th scope="col">Opened</th><th scope="col">Resolved</th>
          <th scope="col">Trigger value</th></tr></thead>
        <tbody>${result.incidents.map((i) => html`<tr>
          <td>${formatGroup(i.group)}</td><td>${fmtDateTime(i.startTime)}</td>
          <td>${i.endTime ? fmtDateTime(i.endTime) : 'still open'}</td>
          <td data-value=${i.triggerValue}>${fmtNum(i.triggerValue)}</td></tr>`)}</tbody>
      </table>`}
    </div>`}
  </section>`;
}

export function formatGroup(g) {
  const e = Object.entries(g || {});
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(', ') : 'cluster';
}

export function fmtNum(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return String(n ?? '');
  return Math.abs(n) >= 100 || Number.isInteger(n) ? String(Math.round(n * 10) / 10) : n.toFixed(2);
}
