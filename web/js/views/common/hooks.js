// Small hooks shared by the monitoring views: data that loads once, reloads on `R`
// (the shell's botmon:refresh event) and is then kept current from the live stream.
import { useState, useEffect, useRef } from '../../html.js';
import { subscribe, lastStatusEvent } from '../../live.js';

// useResource(loader, deps) → {data, error, loading, reload, setData}. `loader(signal)` returns a
// promise; it runs on mount, when deps change, and on refresh (R).
export function useResource(loader, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const seq = useRef(0);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;
  const reload = () => {
    const my = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    loaderRef.current().then(
      (data) => { if (my === seq.current) setState({ data, error: null, loading: false }); },
      (error) => { if (my === seq.current) setState((s) => ({ data: s.data, error, loading: false })); });
  };
  useEffect(reload, deps);
  useEffect(() => {
    addEventListener('botmon:refresh', reload);
    return () => removeEventListener('botmon:refresh', reload);
  }, []);
  const setData = (fn) => setState((s) => ({ ...s, data: typeof fn === 'function' ? fn(s.data) : fn }));
  return { ...state, reload, setData };
}

// useLive('session', fn): fn receives each event of that name while the component is mounted.
export function useLive(name, fn) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => subscribe(name, (d) => ref.current(d)), [name]);
}

// The latest monitoring status: the live stream's `status` events, seeded by `initial`.
export function useStatus(initial) {
  const [status, setStatus] = useState(lastStatusEvent());
  useEffect(() => { if (initial && !status) setStatus(initial); }, [initial]);
  useLive('status', setStatus);
  return status || initial;
}

// Calls fn at most once per `ms` (trailing call kept), for live events that trigger a refetch.
export function useThrottle(fn, ms) {
  const ref = useRef({ timer: 0, last: 0, fn });
  ref.current.fn = fn;
  useEffect(() => () => clearTimeout(ref.current.timer), []);
  return () => {
    const r = ref.current;
    if (r.timer) return;
    const wait = Math.max(0, r.last + ms - Date.now());
    r.timer = setTimeout(() => { r.timer = 0; r.last = Date.now(); r.fn(); }, wait);
  };
}

// Re-renders every `ms` so that "2 min ago" stays true.
export function useTicker(ms) {
  const [, setN] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setN((n) => n + 1), ms);
    return () => clearInterval(id);
  }, [ms]);
}
