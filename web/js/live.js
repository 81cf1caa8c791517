// The single EventSource per tab on /api/monitoring/live (SPEC 10, A.4). Views subscribe to the
// named events (status, points, session, incident, service, config) and to the pseudo-events
// 'open' and 'error' for the LIVE badge. The stream is closed on `pagehide` (so a tab in the
// back/forward cache holds no connection: Chromium allows only 6 per host) and reopened on
// `pageshow`. EventSource reconnects by itself after a drop (the server sends `retry: 2000`).

const EVENTS = ['status', 'points', 'session', 'incident', 'service', 'config'];
const listeners = new Map();   // name → Set<fn>
let source = null;
let state = 'connecting';      // 'connecting' | 'open' | 'offline'
let lastStatus = null;
let wanted = false;            // start() was called and stop() was not

function emit(name, data) {
  const set = listeners.get(name);
  if (!set) return;
  for (const fn of [...set]) {
    try { fn(data); } catch (e) { console.error(e); }
  }
}

function setState(s) {
  if (state === s) return;
  state = s;
  emit('state', s);
}

function open() {
  if (source || !wanted) return;
  setState('connecting');
  const es = new EventSource('/api/monitoring/live');
  source = es;
  es.onopen = () => { setState('open'); emit('open', null); };
  es.onerror = () => {
    // CONNECTING means the browser retries by itself; CLOSED (e.g. a 401 or 503 answer) does not,
    // so retry after a pause: the badge must recover by itself.
    setState('offline');
    emit('error', null);
    if (es.readyState === EventSource.CLOSED && source === es) {
      source = null;
      setTimeout(open, 3000);
    }
  };
  for (const name of EVENTS) {
    es.addEventListener(name, (ev) => {
      let data;
      try { data = JSON.parse(ev.data); } catch { return; }
      if (name === 'status') lastStatus = data;
      // A frame proves the stream is up even if `open` was missed.
      if (state !== 'open') { setState('open'); emit('open', null); }
      emit(name, data);
    });
  }
}

function close() {
  if (source) { source.close(); source = null; }
  setState('offline');
}

// Opens the stream (after login). Idempotent.
export function start() {
  wanted = true;
  open();
}

// Closes it (on logout).
export function stop() {
  wanted = false;
  close();
}

// Forces a reconnect: the server sends a fresh `status` right away (used by the R key).
export function reconnect() {
  if (!wanted) return;
  if (source) { source.close(); source = null; }
  open();
}

// subscribe('status', fn) → unsubscribe. Names: the A.4 events, plus 'open', 'error' and
// 'state' (fn receives 'connecting' | 'open' | 'offline').
export function subscribe(eventName, fn) {
  if (!listeners.has(eventName)) listeners.set(eventName, new Set());
  listeners.get(eventName).add(fn);
  return () => listeners.get(eventName)?.delete(fn);
}

export function liveState() { return state; }

// The last `status` event seen, or null.
export function lastStatusEvent() { return lastStatus; }

addEventListener('pagehide', () => close());
addEventListener('pageshow', (e) => { if (e.persisted) open(); });
