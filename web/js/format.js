// Number and time formats of SPEC 10, shared by every view.

// Counts: below 1000 as is, else one decimal with K/M (12.4K, 1.2M).
export function fmtCount(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n));
  if (a < 1e6) return `${trim1(n / 1e3)}K`;
  if (a < 1e9) return `${trim1(n / 1e6)}M`;
  return `${trim1(n / 1e9)}G`;
}

function trim1(x) { return (Math.round(x * 10) / 10).toFixed(1); }

// Durations in ms: below 1000 as `850 ms`, else `1.2s`.
export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${trim1(ms / 1000)}s`;
}

// Percents as integers: `62%`.
export function fmtPercent(p) {
  if (p === null || p === undefined || Number.isNaN(p)) return '—';
  return `${Math.round(p)}%`;
}

// Seconds as `2m 34s`, `1h 05m`, `45s`.
export function fmtDuration(s) {
  if (s === null || s === undefined || Number.isNaN(s)) return '—';
  s = Math.max(0, Math.round(s));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(s / 3600);
  if (h < 48) return `${h}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function toMs(t) {
  if (t === null || t === undefined || t === '') return NaN;
  return typeof t === 'number' ? t : Date.parse(t);
}

// "just now", "2 min ago", "3 h ago", "4 d ago"; `now` in ms for tests.
export function timeAgo(t, now = Date.now()) {
  const ms = toMs(t);
  if (Number.isNaN(ms)) return '—';
  const s = Math.round((now - ms) / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

const pad = (n) => String(n).padStart(2, '0');

// "14:32:05" in the browser's zone (the transcript's clock).
export function fmtTime(t) {
  const ms = toMs(t);
  if (Number.isNaN(ms)) return '—';
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// "2024-01-15 14:32:05".
export function fmtDateTime(t) {
  const ms = toMs(t);
  if (Number.isNaN(ms)) return '—';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${fmtTime(ms)}`;
}

// whatsapp → WhatsApp (SPEC 5: stored lower-case, shown with the brand's case).
const CHANNELS = { whatsapp: 'WhatsApp', web: 'Web', email: 'Email', telegram: 'Telegram', sms: 'SMS', slack: 'Slack', teams: 'Teams' };
export function fmtChannel(c) {
  if (!c) return '—';
  return CHANNELS[c] || c.charAt(0).toUpperCase() + c.slice(1);
}

// Status words and their colour class: text plus colour, never colour alone.
export function statusClass(s) {
  switch (s) {
    case 'running': case 'ok': case 'up': case 'resolved': return 'ok';
    case 'warning': case 'sealed': case 'pending': case 'acknowledged': return 'warn';
    case 'stopped': case 'down': case 'critical': case 'open': case 'firing': return 'bad';
    default: return 'unknown';
  }
}
