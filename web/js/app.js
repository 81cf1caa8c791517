// The dashboard shell: login, header (tabs, LIVE badge, user, logout), sidebar, keyboard
// shortcuts, help dialog, and the hash router `#/<view>[/<id>]` that mounts one view at a time.
import { html, render, useState, useEffect, useRef, useCallback } from './html.js';
import { api, ApiError, onUnauthorized } from './api.js';
import * as live from './live.js';
import { OverviewView } from './views/overview.js';
import { SessionsView } from './views/sessions.js';
import { HealthView } from './views/health.js';
import { ResourcesView } from './views/resources.js';
import { AlertsView } from './views/alerts.js';
import { IncidentsView } from './views/incidents.js';
import { NodesView } from './views/nodes.js';

export const VIEWS = [
  { id: 'overview', name: 'Overview', View: OverviewView },
  { id: 'sessions', name: 'Sessions', View: SessionsView },
  { id: 'health', name: 'Health', View: HealthView },
  { id: 'resources', name: 'Resources', View: ResourcesView },
  { id: 'alerts', name: 'Alerts', View: AlertsView },
  { id: 'incidents', name: 'Incidents', View: IncidentsView },
  { id: 'nodes', name: 'Nodes', View: NodesView },
];

const KEYS = [
  ['1 – 7', 'Switch to the view of that number'],
  ['R', 'Refresh the data of the current view'],
  ['F', 'Toggle fullscreen'],
  ['S', 'Show or hide the sidebar'],
  ['?', 'Show this help'],
  ['Esc', 'Close a dialog or leave a text field'],
];

const SHORTCUTS_KEY = 'botmon.shortcuts';
const SIDEBAR_KEY = 'botmon.sidebar';

function readSetting(key, dflt) {
  try { return localStorage.getItem(key) ?? dflt; } catch { return dflt; }
}
function writeSetting(key, value) {
  try { localStorage.setItem(key, value); } catch { /* private mode: the setting lasts this tab */ }
}

function parseHash() {
  const m = /^#\/([a-z]+)(?:\/(.*))?$/.exec(location.hash);
  const id = m && VIEWS.some((v) => v.id === m[1]) ? m[1] : 'overview';
  let param = '';
  if (m && m[2]) {
    try { param = decodeURIComponent(m[2]); } catch { param = m[2]; }
  }
  return { id, param };
}

// True when a key press belongs to whatever the user is typing into.
function isTyping(target) {
  if (!target || !(target instanceof Element)) return false;
  return !!target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]');
}

function LoginForm({ onLogin }) {
  const [user, setUser] = useState('');
  const [pass, setPass] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const me = await api('/api/auth/login', { method: 'POST', body: { username: user, password: pass } });
      onLogin(me);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'Wrong username or password.'
        : err instanceof ApiError && err.status === 429 ? 'Too many attempts; wait a minute.'
          : (err.message || 'Login failed.'));
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="login">
    <form class="card login-card" onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title">botmon</h1>
      <p class="muted">Monitoring Dashboard — sign in</p>
      <label for="login-user">Username</label>
      <input id="login-user" name="username" autocomplete="username" required value=${user}
        onInput=${(e) => setUser(e.currentTarget.value)} />
      <label for="login-pass">Password</label>
      <input id="login-pass" name="password" type="password" autocomplete="current-password" required
        value=${pass} onInput=${(e) => setPass(e.currentTarget.value)} />
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button class="btn primary" type="submit" disabled=${busy}>Sign in</button>
    </form>
  </main>`;
}

function LiveBadge() {
  const [state, setState] = useState(live.liveState());
  useEffect(() => live.subscribe('state', setState), []);
  const text = state === 'open' ? 'LIVE' : state === 'connecting' ? 'connecting' : 'offline';
  return html`<span class=${`live live-${state}`} data-testid="live" data-state=${state}
    role="status" aria-live="polite" title="Live updates from the server">
    <span class="dot" aria-hidden="true"></span>${text}</span>`;
}

function HelpDialog({ open, onClose, shortcutsOn, setShortcutsOn }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return html`<dialog ref=${ref} class="help" aria-labelledby="help-title" onClose=${onClose}>
    <h2 id="help-title">Keyboard shortcuts</h2>
    <table class="data keys">
      <tbody>${KEYS.map(([k, what]) => html`<tr><td><kbd>${k}</kbd></td><td>${what}</td></tr>`)}</tbody>
    </table>
    <p class="muted">Keys are ignored while typing in a field or with Ctrl, Alt or Meta held.</p>
    <label class="check">
      <input type="checkbox" checked=${shortcutsOn} onChange=${(e) => setShortcutsOn(e.currentTarget.checked)} />
      Single-key shortcuts on
    </label>
    <form method="dialog"><button class="btn" type="submit">Close</button></form>
  </dialog>`;
}

function Shell({ me, onLogout }) {
  const [route, setRoute] = useState(parseHash());
  const [sidebar, setSidebar] = useState(readSetting(SIDEBAR_KEY, 'shown') !== 'hidden');
  const [help, setHelp] = useState(false);
  const [shortcutsOn, setShortcutsOnState] = useState(readSetting(SHORTCUTS_KEY, 'on') !== 'off');
  const [refreshedAt, setRefreshedAt] = useState('');
  const [fullscreen, setFullscreen] = useState(!!document.fullscreenElement);

  useEffect(() => {
    live.start();
    const onHash = () => setRoute(parseHash());
    const onFs = () => setFullscreen(!!document.fullscreenElement);
    addEventListener('hashchange', onHash);
    document.addEventListener('fullscreenchange', onFs);
    return () => {
      removeEventListener('hashchange', onHash);
      document.removeEventListener('fullscreenchange', onFs);
    };
  }, []);

  const setShortcutsOn = (on) => { setShortcutsOnState(on); writeSetting(SHORTCUTS_KEY, on ? 'on' : 'off'); };
  const toggleSidebar = useCallback(() => setSidebar((s) => {
    writeSetting(SIDEBAR_KEY, s ? 'hidden' : 'shown');
    return !s;
  }), []);
  const refresh = useCallback(() => {
    dispatchEvent(new CustomEvent('botmon:refresh'));
    const d = new Date();
    setRefreshedAt(d.toTimeString().slice(0, 8));
  }, []);
  const toggleFullscreen = useCallback(() => {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else document.documentElement.requestFullscreen().catch(() => {});
  }, []);

  // One keydown listener for every shortcut (WEB.md keyboard notes).
  useEffect(() => {
    const onKey = (e) => {
      if (e.defaultPrevented || e.isComposing || e.keyCode === 229) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'Escape' && isTyping(e.target)) { e.target.blur(); return; }
      if (isTyping(e.target)) return;
      if (document.querySelector('dialog[open]') && e.key !== '?') return;
      if (!shortcutsOn) return;
      const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (k >= '1' && k <= '7') {
        location.hash = `#/${VIEWS[Number(k) - 1].id}`;
      } else if (k === 'r') {
        refresh();
      } else if (k === 'f') {
        toggleFullscreen();
      } else if (k === 's') {
        toggleSidebar();
      } else if (k === '?') {
        setHelp((h) => !h);
      } else {
        return;
      }
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [shortcutsOn, refresh, toggleFullscreen, toggleSidebar]);

  // Arrow keys move between tabs (ARIA tabs pattern with a roving tabindex).
  const onTabKey = (e) => {
    const i = VIEWS.findIndex((v) => v.id === route.id);
    let j = -1;
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') j = (i + 1) % VIEWS.length;
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') j = (i + VIEWS.length - 1) % VIEWS.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = VIEWS.length - 1;
    if (j < 0) return;
    e.preventDefault();
    location.hash = `#/${VIEWS[j].id}`;
    requestAnimationFrame(() => document.getElementById(`tab-${VIEWS[j].id}`)?.focus());
  };

  const current = VIEWS.find((v) => v.id === route.id);
  const View = current.View;
  return html`<div class=${`shell ${sidebar ? 'with-sidebar' : 'no-sidebar'}`} data-fullscreen=${fullscreen ? 'true' : 'false'}>
    <header class="top">
      <h1 class="brand">botmon <span class="muted">Monitoring Dashboard</span></h1>
      <${LiveBadge} />
      <span class="spacer"></span>
      ${refreshedAt && html`<span class="muted small" data-testid="refreshed">refreshed at ${refreshedAt}</span>`}
      <button class="btn icon" type="button" onClick=${() => setHelp(true)} aria-label="Keyboard shortcuts and settings" title="Help (?)">?</button>
      <span class="who" data-testid="me"><span class="user">${me.user}</span> <span class=${`role role-${me.role}`}>${me.role}</span></span>
      <button class="btn" type="button" onClick=${onLogout}>Log out</button>
    </header>
    <nav class="sidebar" id="sidebar" aria-label="Views" hidden=${!sidebar}>
      <div role="tablist" aria-orientation="vertical" aria-label="Views">
        ${VIEWS.map((v, i) => html`<button type="button" role="tab" id=${`tab-${v.id}`}
          aria-selected=${v.id === route.id ? 'true' : 'false'} aria-controls="view"
          tabindex=${v.id === route.id ? 0 : -1} onKeyDown=${onTabKey}
          onClick=${() => { location.hash = `#/${v.id}`; }}>
          <span class="tab-name">${v.name}</span><kbd aria-hidden="true">${i + 1}</kbd></button>`)}
      </div>
    </nav>
    <main id="view" class="content" role="tabpanel" aria-labelledby=${`tab-${current.id}`} tabindex="-1">
      <${View} key=${current.id} me=${me} param=${route.param} />
    </main>
    <${HelpDialog} open=${help} onClose=${() => setHelp(false)} shortcutsOn=${shortcutsOn} setShortcutsOn=${setShortcutsOn} />
  </div>`;
}

function App() {
  const [me, setMe] = useState(undefined);   // undefined: asking; null: signed out
  useEffect(() => {
    const off = onUnauthorized(() => { live.stop(); setMe(null); });
    // 200 with user null when signed out (no 401, so no console error on the login form).
    api('/api/auth/me').then((m) => setMe(m && m.user ? m : null)).catch(() => setMe(null));
    return off;
  }, []);
  const logout = async () => {
    live.stop();
    try { await api('/api/auth/logout', { method: 'POST' }); } catch { /* signed out anyway */ }
    setMe(null);
  };
  if (me === undefined) return html`<p class="loading">Loading…</p>`;
  if (me === null) return html`<${LoginForm} onLogin=${setMe} />`;
  return html`<${Shell} me=${me} onLogout=${logout} />`;
}

const root = document.getElementById('app');
// Preact 11 does not clear the container's "Loading…" text (WEB.md pitfalls).
root.textContent = '';
render(html`<${App} />`, root);
