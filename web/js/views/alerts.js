// The Alerts view (SPEC 10 item 5): the rules in force with their source and state, the rule
// editor (#/alerts/<rule name>), channels with "Send test", silences and maintenance windows.
// Data comes from /api/alerts/*; rule states follow the live stream's `incident` and `config`
// events (a refetch per event, never a timer).
import { html, useState, useEffect, useRef, useCallback } from '../html.js';
import { api } from '../api.js';
import { subscribe } from '../live.js';
import { RuleEditor } from './alerts/rule_editor.js';
import { ChannelsPanel, SilencesPanel, MaintenancePanel } from './alerts/notify_panels.js';

const OP = { equalOrMoreThan: '≥', equalOrLessThan: '≤' };

function condition(r) {
  const over = r.timeframe === '0s' ? 'one tick' : r.timeframe;
  return `${r.aggregation}(${r.field}) ${OP[r.operand] || r.operand} ${r.value} over ${over}` +
    (r.for && r.for !== '0s' ? ` for ${r.for}` : '');
}

const SOURCES = { yaml: 'botmon.yaml', botpress: 'botpress', 'config-csv': 'config.csv', api: 'api', default: 'default' };

// The rule's state over its groups: firing wins over pending over inactive.
function ruleState(r) {
  if (!r.enabled) return { word: 'disabled', cls: 'unknown', firing: 0 };
  const groups = r.state || [];
  const firing = groups.filter((g) => g.state === 'firing').length;
  const pending = groups.filter((g) => g.state === 'pending').length;
  if (firing) return { word: `firing (${firing} open)`, cls: 'bad', firing };
  if (pending) return { word: `pending (${pending})`, cls: 'warn', firing };
  const cooldown = groups.filter((g) => g.state === 'cooldown').length;
  if (cooldown) return { word: 'cooldown', cls: 'warn', firing };
  return { word: groups.length ? 'ok' : 'no data yet', cls: groups.length ? 'ok' : 'unknown', firing };
}

function RulesTable({ rules, selected, onOpen }) {
  return html`<table class="data af-table af-rules" data-testid="rules">
    <caption class="af-sr">Alert rules</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">Condition</th><th scope="col">Severity</th>
      <th scope="col">Source</th><th scope="col">Enabled</th><th scope="col">State</th></tr></thead>
    <tbody>${rules.map((r) => {
      const st = ruleState(r);
      const where = r.file ? `${r.file}${r.line ? ':' + r.line : ''}` : '';
      return html`<tr data-rule=${r.name} class=${r.name === selected ? 'af-selected' : ''}
          aria-current=${r.name === selected ? 'true' : undefined}>
        <td><a href=${'#/alerts/' + encodeURIComponent(r.name)} onClick=${(e) => onOpen(e, r)}
          class="af-name">${r.name}</a></td>
        <td class="af-mono">${condition(r)}</td>
        <td><span class=${'st-' + (r.severity === 'critical' ? 'bad' : 'warn')}>${r.severity}</span></td>
        <td title=${where}>${SOURCES[r.source] || r.source}${r.readOnly && r.source !== 'default' ? ' (read-only)' : ''}</td>
        <td>${r.enabled ? 'yes' : 'no'}</td>
        <td><span class=${'st-' + st.cls} data-value=${st.firing}>${st.word}</span></td>
      </tr>`;
    })}</tbody>
  </table>`;
}

export function AlertsView({ me, param }) {
  const admin = me && me.role === 'admin';
  const [rules, setRules] = useState(null);
  const [channels, setChannels] = useState([]);
  const [silences, setSilences] = useState([]);
  const [windows, setWindows] = useState([]);
  const [errs, setErrs] = useState({});
  const [creating, setCreating] = useState(false);
  const [filter, setFilter] = useState('');
  const timer = useRef(null);
  const latest = useRef({});   // per list: the number of its newest fetch

  const load = useCallback(async (what = ['rules', 'channels', 'silences', 'maintenance']) => {
    const jobs = {
      rules: ['/api/alerts/rules', (d) => setRules(d.rules || [])],
      channels: ['/api/alerts/channels', (d) => setChannels(d.channels || [])],
      silences: ['/api/alerts/silences', (d) => setSilences(d.silences || [])],
      maintenance: ['/api/alerts/maintenance', (d) => setWindows(d.maintenance || [])],
    };
    // Fetches overlap (a live event's refetch, R, the refetch after a save or delete): only the
    // newest one of each list is applied, so an older reply never undoes a newer one.
    await Promise.all(what.map(async (k) => {
      const n = (latest.current[k] = (latest.current[k] || 0) + 1);
      const [path, apply] = jobs[k];
      try {
        const d = await api(path);
        if (latest.current[k] !== n) return;
        apply(d);
        setErrs((e) => ({ ...e, [k]: '' }));
      } catch (ex) {
        if (latest.current[k] === n) setErrs((e) => ({ ...e, [k]: ex.message }));
      }
    }));
  }, []);

  useEffect(() => {
    load();
    const onRefresh = () => load();
    window.addEventListener('botmon:refresh', onRefresh);
    // A transition changes a rule's state; a reload can change the rules themselves. Bursts
    // (several incidents in one tick) cost one refetch.
    const pending = new Set();
    const soon = (what) => () => {
      what.forEach((k) => pending.add(k));
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        const list = [...pending];
        pending.clear();
        load(list);
      }, 250);
    };
    const offIncident = subscribe('incident', soon(['rules']));
    const offConfig = subscribe('config', soon(['rules', 'channels', 'silences', 'maintenance']));
    return () => {
      window.removeEventListener('botmon:refresh', onRefresh);
      offIncident();
      offConfig();
      clearTimeout(timer.current);
    };
  }, [load]);

  useEffect(() => {
    if (param) setCreating(false);
  }, [param]);

  const selected = param ? (rules || []).find((r) => r.name === param) : null;
  const open = (e, r) => {
    e.preventDefault();
    setCreating(false);
    location.hash = '#/alerts/' + encodeURIComponent(r.name);
  };
  const close = () => {
    setCreating(false);
    if (param) location.hash = '#/alerts';
  };
  const saved = async (rule) => {
    await load(['rules']);
    setCreating(false);
    location.hash = rule ? '#/alerts/' + encodeURIComponent(rule.name) : '#/alerts';
  };
  const shown = (rules || []).filter((r) => !filter ||
    (r.name + ' ' + r.field + ' ' + r.source).toLowerCase().includes(filter.toLowerCase()));

  return html`<section class="view af-view" aria-labelledby="alerts-title">
    <h2 id="alerts-title">Alerts</h2>
    <section class="af-panel" aria-labelledby="rules-title">
      <div class="af-panel-head">
        <h3 id="rules-title">Rules</h3>
        <label class="af-sr" for="rules-filter">Filter rules</label>
        <input id="rules-filter" type="search" placeholder="Filter rules" value=${filter}
          onInput=${(e) => setFilter(e.currentTarget.value)} />
        ${admin && html`<button type="button" class="btn primary" onClick=${() => {
          setCreating(true);
          if (param) location.hash = '#/alerts';
        }}>New rule</button>`}
      </div>
      ${errs.rules && html`<p class="error af-error" role="alert">${errs.rules}</p>`}
      ${rules === null && !errs.rules && html`<p class="muted">Loading rules…</p>`}
      ${rules && html`<${RulesTable} rules=${shown} selected=${param} onOpen=${open} />`}
      ${param && rules && !selected && html`<p class="error af-error" role="alert">No rule named
        <q>${param}</q> (it may have been renamed or deleted).</p>`}
    </section>
    ${(creating || selected) && html`<${RuleEditor} rule=${creating ? null : selected}
      key=${creating ? 'new' : JSON.stringify([selected.source, selected.name])}
      channels=${channels} admin=${admin} onSaved=${saved} onClose=${close} />`}
    <${ChannelsPanel} channels=${channels} admin=${admin} error=${errs.channels} />
    <${SilencesPanel} silences=${silences} admin=${admin} error=${errs.silences}
      onChanged=${() => load(['silences'])} />
    <${MaintenancePanel} windows=${windows} admin=${admin} error=${errs.maintenance}
      onChanged=${() => load(['maintenance'])} />
  </section>`;
}
