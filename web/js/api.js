// The only way views talk to the server: same-origin fetch with the session cookie, JSON in and
// out, and SPEC 9's error shape turned into an ApiError. A 401 tells the shell to show the login
// form (listeners registered with onUnauthorized).

export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message || code || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code || '';
    this.fields = fields || [];   // [{field, message}] for invalid_rule and friends
  }
  // The message for one form field, or ''.
  fieldMessage(name) {
    const f = this.fields.find((x) => x.field === name);
    return f ? f.message : '';
  }
}

const unauthorizedListeners = new Set();
// fn() runs whenever an API call answers 401 (the session expired or was never there).
export function onUnauthorized(fn) {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

function buildQuery(query) {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => p.append(k, String(x)));
    else p.append(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

// api('/api/monitoring/sessions', {query: {page: 2}}) → parsed JSON; null for 204.
export async function api(path, { method = 'GET', body, query, signal } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' }, signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path + buildQuery(query), init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'The server cannot be reached', []);
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    const e = new ApiError(res.status, err.code || '', err.message || res.statusText, err.fields);
    if (res.status === 401) unauthorizedListeners.forEach((fn) => fn(e));
    throw e;
  }
  return data;
}
