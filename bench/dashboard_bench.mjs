// Dashboard figures of SPEC 15, measured inside the page with performance.now() in headless Debian
// Chromium (the browser-test stack: tests/e2e/server.mjs), medians of BENCH_RUNS (default 5):
//   nav_ms           navigation start -> the Overview's cards hold data (a logged-in tab, the
//                    demo server at a 1 s tick; each run is a fresh navigation);
//   chart_create_ms  a 24 h chart of 8,640 points x 4 series built with the dashboard's own
//                    chart options (web/js/views/chart.js), until uPlot has drawn (it commits in
//                    a microtask, so the time runs to the next MessageChannel turn);
//   chart_update_ms  one live tick on that chart: drop the oldest point, append one to each
//                    series, setData (median of 30 per run).
// Prints one line, `DASHBOARD nav_ms=... chart_create_ms=... chart_update_ms=... runs=N`, for
// bench/run.sh; everything else goes to stderr.
import { startServer } from '../tests/e2e/server.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Records when the first card gets its value, from before any page script runs.
function watchCards() {
  window.__cardsAt = null;
  const check = () => {
    if (window.__cardsAt === null && document.querySelector('[data-testid=sessions-active][data-value]')) {
      window.__cardsAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
}

// Runs in the page: builds the 24 h chart and times it and 30 live updates.
async function chartInPage() {
  const { chartOptions } = await import('/js/views/chart.js');
  const n = 8640;
  const step = 10;
  const t0 = Math.floor(Date.now() / 1000) - n * step;
  const xs = new Array(n);
  const cols = [[], [], [], []];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const v = [30, 50, 10, 70];
  for (let i = 0; i < n; i++) {
    xs[i] = t0 + i * step;
    for (let s = 0; s < 4; s++) {
      v[s] = Math.min(100, Math.max(0, v[s] + (rnd() - 0.5) * 4));
      cols[s].push(Math.round(v[s] * 10) / 10);
    }
  }
  const box = document.createElement('div');
  box.style.width = '1000px';
  document.body.append(box);
  const turn = () => new Promise((r) => {
    const c = new MessageChannel();
    c.port1.onmessage = r;
    c.port2.postMessage(0);
  });
  const chart = {
    title: 'CPU, memory, GPU and disk usage', unit: '%', range: [0, 100],
    series: [['cpu.usage', 'CPU', '#4aa3ff'], ['mem.usage', 'Memory', '#2fbf71'],
      ['gpu.usage', 'GPU', '#e3b341'], ['disk.usage', 'Disk', '#c678dd']],
  };
  const a = performance.now();
  const u = new uPlot(chartOptions(chart, chart.series, 1000), [xs, ...cols], box);
  await turn();
  const create = performance.now() - a;
  const updates = [];
  for (let i = 0; i < 30; i++) {
    const b = performance.now();
    xs.shift();
    xs.push(xs[xs.length - 1] + step);
    for (const c of cols) {
      c.shift();
      c.push(c[c.length - 1]);
    }
    u.setData([xs, ...cols]);
    await turn();
    updates.push(performance.now() - b);
  }
  u.destroy();
  box.remove();
  updates.sort((x, y) => x - y);
  return { create, update: updates[15] };
}

const srv = await startServer({ demo: true, tick: '1s' });
try {
  const page = await srv.newPage();
  await srv.login(page);
  await page.addInitScript(watchCards);
  const nav = [];
  const create = [];
  const update = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto('about:blank');   // a real navigation each run, not a hash change
    await page.goto(`${srv.baseUrl}/#/overview`);
    await page.waitForFunction(() => window.__cardsAt !== null, null, { timeout: 10000 });
    nav.push(await page.evaluate(() => window.__cardsAt));
    const c = await page.evaluate(chartInPage);
    create.push(c.create);
    update.push(c.update);
    console.error(`run ${i + 1}: nav ${nav[i].toFixed(1)} ms, chart create ${c.create.toFixed(1)} ms, update ${c.update.toFixed(2)} ms`);
  }
  const errors = srv.errors(page);
  if (errors.length) throw new Error(`errors in the page: ${errors.join('; ')}`);
  console.log(`DASHBOARD nav_ms=${median(nav).toFixed(1)} chart_create_ms=${median(create).toFixed(1)} ` +
    `chart_update_ms=${median(update).toFixed(2)} runs=${RUNS}`);
} finally {
  await srv.stop();
}
