// Form plumbing shared by the alerting forms: a labelled control with its error beside it, the
// mapping of the API's per-field errors onto controls, and small text <-> JSON converters.
import { html } from '../../html.js';

// One labelled control. The error paragraph is always present in the DOM when there is an error,
// and the control points at it with aria-describedby, so a screen reader reads the error with the
// field and the test can find it by role=alert next to the control.
export function Field({ id, label, error, hint, children, wide }) {
  const cls = 'af-field' + (error ? ' af-invalid' : '') + (wide ? ' af-wide' : '');
  return html`<div class=${cls}>
    <label for=${id}>${label}</label>
    ${children}
    ${hint && html`<small class="af-hint" id=${id + '-hint'}>${hint}</small>`}
    ${error && html`<p class="af-error" id=${id + '-error'} role="alert">${error}</p>`}
  </div>`;
}

// The props every control of a Field gets: its id, aria-invalid and aria-describedby.
export function ctl(id, error, hint) {
  const ids = [];
  if (hint) ids.push(id + '-hint');
  if (error) ids.push(id + '-error');
  return { id, 'aria-invalid': error ? 'true' : 'false', 'aria-describedby': ids.join(' ') || undefined };
}

// The API names nested problems "match.bot", "groupBy[0]", "weekly.days[2]": they belong to the
// control of the first path segment (or of `nested` for weekly.*). Messages for one control are
// joined; "" (the whole object) and unknown names go to the form-level list.
export function mapFieldErrors(fields, known) {
  const byField = {};
  const rest = [];
  for (const f of fields || []) {
    const path = String(f.field || '');
    let key = path.split(/[.[]/)[0];
    if (path.startsWith('weekly.')) key = path.split(/[.[]/)[1];
    const text = (path && key !== path ? path + ': ' : '') + f.message;
    if (key && known.includes(key)) {
      byField[key] = byField[key] ? byField[key] + '; ' + text : text;
    } else {
      rest.push(path ? path + ': ' + f.message : f.message);
    }
  }
  return { byField, rest };
}

// "bot=mycompany, host=bot-*" -> {bot: "mycompany", host: "bot-*"}. An item without "=" is kept
// with an empty value, so the server names it in its own per-field error.
export function parseMatch(text) {
  const out = {};
  for (const part of String(text).split(',')) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq < 0) out[item] = '';
    else out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

export function formatMatch(obj) {
  return Object.entries(obj || {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

// "host, bot" -> ["host", "bot"]; "" -> [].
export function parseList(text) {
  return String(text)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

// A number typed as text: a finite number when it reads as one, else the text as typed, so that
// the server answers with its own message ("expected a number, got a string").
export function numberOrText(text) {
  const t = String(text).trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
    const n = Number(t);
    if (Number.isFinite(n)) return n;
  }
  return text;
}

// A datetime-local value ("2026-12-03T10:00") read in the browser's zone, as RFC 3339 UTC.
export function localToIso(value) {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

// The value of a datetime-local control for a Date, in the browser's zone.
export function isoToLocalInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

// Errors of one request: {summary, byField, rest}. With per-field errors, the message is a
// summary ("2 problems in rule ...") and `rest` holds the ones no control shows; without, the
// message itself is the one line.
export function errorsOf(err, known) {
  if (!err) return null;
  const fields = err.fields || [];
  const message = err.message || String(err);
  if (!fields.length) return { summary: '', byField: {}, rest: [message] };
  const { byField, rest } = mapFieldErrors(fields, known);
  return { summary: message, byField, rest };
}

// The form-level lines. The summary stays while any per-field error is still shown.
export function FormErrors({ errors, id }) {
  if (!errors) return null;
  const lines = [...errors.rest];
  if (errors.summary && (lines.length || Object.keys(errors.byField).length)) lines.unshift(errors.summary);
  if (!lines.length) return null;
  return html`<div class="af-form-error" role="alert" id=${id}>
    ${lines.map((m) => html`<p>${m}</p>`)}
  </div>`;
}
