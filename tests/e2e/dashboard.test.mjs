// The dashboard's monitoring views in headless Chromium against a real botmon fed through the
// ingest API (SPEC 10, issue 5): login, Overview cards and bars equal to the status API,
// sessions and a conversation in order, Health, Resources charts, Nodes, keys, live updates
// without reload, no console errors, and a screenshot of every view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startServer, withScreenshot, screenshot } from './server.mjs';

let srv, page, upstream, cfgDir;
const t = withScreenshot(test, () => page);
const now = Date.now();
const iso = (ms) => new Date(ms).toISOString();

// One conversation with a known order, ts a minute ago (SPEC 5 shapes).
const CONVERSATION = [
  ['message.in', 'Hello'],
  ['message.out', 'Hello! How can I help you today?', 1000],
  ['message.in', 'I want to check my order status'],
  ['message.out', "I can help with that! What's your order number?", 2000],
  ['message.in', 'ORD-12345'],
  ['message.out', 'Order ORD-12345 is being prepared for shipping.', 3000],
];

async function gotoView(key, name) {
  await page.keyboard.press(key);
  await page.getByRole('tab', { name, selected: true }).waitFor();
}

async function pollUntil(fn, { tries = 40, every = 250, what = 'condition' } = {}) {
  let last;
  for (let i = 0; i < tries; i++) {
    last = await fn();
    if (last === true) return;
    await page.waitForTimeout(every);
  }
  assert.fail(`${what} not met: ${JSON.stringify(last)}`);
}

before(async () => {
  // A local upstream for a "running" HTTP check; port 1 for a "stopped" TCP check.
  upstream = http.createServer((req, res) => { res.end('ok'); });
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  cfgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmon-e2e-cfg-'));
  const cfg = path.join(cfgDir, 'botmon.yaml');
  fs.writeFileSync(cfg, [
    'checks:',
    `  - {name: website, kind: http, url: "http://127.0.0.1:${upstream.address().port}/", interval: 1s, retries: 0, label: Website}`,
    '  - {name: queue, kind: tcp, url: "tcp://127.0.0.1:1", interval: 1s, retries: 0, label: Queue}',
    '',
  ].join('\n'));
  srv = await startServer({ extraArgs: ['--config', cfg] });

  const events = [{ type: 'session.start', session: 'e2e-a1b2', user: '+5511999888777', channel: 'whatsapp', bot: 'mycompany', ts: now - 60_000 }];
  CONVERSATION.forEach(([type, text, latency], i) => {
    events.push({ type, session: 'e2e-a1b2', text, ts: now - 60_000 + i * 5000, ...(latency ? { latency_ms: latency } : {}) });
  });
  events.push({ type: 'message.in', session: 'e2e-e5f6', user: 'john@acme.com', channel: 'web', bot: 'mycompany', text: 'Opening hours?', ts: now - 30_000 });
  events.push({ type: 'message.out', session: 'e2e-e5f6', text: 'We open at 9.', latency_ms: 850, ts: now - 29_000 });
  for (let i = 0; i < 5; i++) events.push({ type: 'request', latency_ms: 40 + i, status: 200, route: '/chat' });
  await srv.ingest(events);

  page = await srv.newPage();
});

after(async () => {
  const errors = page ? srv.errors(page) : [];
  await srv?.stop();
  upstream?.close();
  if (cfgDir) fs.rmSync(cfgDir, { recursive: true, force: true });
  assert.deepEqual(errors, [], 'console errors or page errors');
});

t('login as admin shows the dashboard', async () => {
  await page.goto(`${srv.baseUrl}/`);
  assert.equal(await page.title(), 'botmon — Monitoring Dashboard');
  await srv.login(page);
  await page.getByTestId('me').filter({ hasText: 'admin' }).waitFor();
  await page.getByTestId('live').filter({ hasText: 'LIVE' }).waitFor();
  for (const name of ['Overview', 'Sessions', 'Health', 'Resources', 'Alerts', 'Incidents', 'Nodes']) {
    await page.getByRole('tab', { name }).waitFor();
  }
});

t('overview cards and bars equal /api/monitoring/status', async () => {
  await page.getByTestId('sessions-active').waitFor();
  await pollUntil(async () => {
    const { body: s } = await srv.request('/api/monitoring/status', { role: 'monitor' });
    const dom = await page.evaluate(() => {
      const v = (id) => document.querySelector(`[data-testid="${id}"]`)?.dataset.value;
      const bar = (l) => document.querySelector(`[role=meter][aria-label="${l}"]`);
      return {
        at: v('generated-at'), active: v('sessions-active'), today: v('messages-today'), resp: v('response-avg'),
        bars: Object.fromEntries(['CPU', 'MEM', 'GPU', 'DISK'].map((l) => [l, [bar(l).getAttribute('aria-valuenow'), bar(l).dataset.value]])),
      };
    });
    const want = {
      at: s.generated_at, active: String(s.sessions.active), today: String(s.messages.today),
      resp: s.messages.avg_response_ms === null ? '' : String(s.messages.avg_response_ms),
      bars: {
        CPU: [String(s.resources.cpu_percent), String(s.resources.cpu_percent)],
        MEM: [String(s.resources.memory_percent), String(s.resources.memory_percent)],
        GPU: s.resources.gpu_percent === null ? ['0', ''] : [String(s.resources.gpu_percent), String(s.resources.gpu_percent)],
        DISK: [String(s.resources.disk_percent), String(s.resources.disk_percent)],
      },
    };
    return JSON.stringify(dom) === JSON.stringify(want) || { dom, want };
  }, { what: 'cards and bars equal the status API' });
  const active = await page.getByTestId('sessions-active').getAttribute('data-value');
  assert.equal(active, '2');
  assert.equal(await page.getByTestId('messages-today').textContent(), '8');
  await page.getByRole('meter', { name: 'CPU' }).waitFor();
  await screenshot(page, 'overview.png');
});

t('an ingested event appears without reload', async () => {
  const before = Number(await page.getByTestId('messages-today').getAttribute('data-value'));
  await page.evaluate(() => { window.__noReload = true; });
  await srv.ingest([{ type: 'message.in', session: 'e2e-e5f6', text: 'And on Sundays?' }]);
  await page.locator(`[data-testid="messages-today"][data-value="${before + 1}"]`).waitFor({ timeout: 8000 });
  assert.equal(await page.evaluate(() => window.__noReload), true);
});

t('sessions table, server-side search and a conversation in order', async () => {
  await gotoView('2', 'Sessions');
  const row = page.locator('tr[data-session-id="e2e-a1b2"]');
  await row.waitFor();
  await page.locator('tr[data-session-id="e2e-e5f6"]').waitFor();
  assert.match(await row.textContent(), /WhatsApp/);
  assert.match(await row.textContent(), /\+5511999888777/);   // admin sees raw users

  // A session started now shows up live.
  await srv.ingest([{ type: 'session.start', session: 'e2e-live', user: 'live@acme.com', channel: 'telegram' }]);
  await page.locator('tr[data-session-id="e2e-live"]').waitFor({ timeout: 8000 });

  // Search runs on the server (full text over transcripts); typing keys does not switch views.
  const search = page.getByRole('searchbox', { name: 'Search conversations' });
  await search.click();
  await search.pressSequentially('ORD-12345');
  await pollUntil(async () => {
    const ids = await page.locator('tr[data-session-id]').evaluateAll((rs) => rs.map((r) => r.dataset.sessionId));
    return (ids.length === 1 && ids[0] === 'e2e-a1b2') || ids;
  }, { what: 'search result', tries: 40 });
  await page.keyboard.press('3');
  await page.keyboard.press('s');
  assert.equal(await page.getByRole('tab', { name: 'Sessions' }).getAttribute('aria-selected'), 'true');
  assert.equal(await page.locator('#sidebar').isVisible(), true);
  assert.equal(await search.inputValue(), 'ORD-123453s');   // the keys went into the field
  await search.fill('');
  await page.locator('tr[data-session-id="e2e-e5f6"]').waitFor();
  await page.keyboard.press('Escape');
  await screenshot(page, 'sessions.png');

  await row.click();
  await page.getByTestId('session-id').filter({ hasText: 'e2e-a1b2' }).waitFor();
  const lines = page.locator('.conversation li[data-direction]');
  await lines.nth(CONVERSATION.length - 1).waitFor();
  const got = await lines.evaluateAll((ls) => ls.map((l) => [l.dataset.direction, l.querySelector('.text').firstChild.textContent]));
  assert.deepEqual(got, CONVERSATION.map(([type, text]) => [type === 'message.in' ? 'user' : 'bot', text]));
  assert.match(await page.getByTestId('session-user').textContent(), /\+5511999888777/);
  await screenshot(page, 'conversation.png');
  await page.getByRole('link', { name: 'Close session' }).click();
  await page.locator('tr[data-session-id="e2e-a1b2"]').waitFor();
});

t('health lists the checks with status words and the nodes', async () => {
  await gotoView('3', 'Health');
  await page.locator('tr[data-service="website"][data-status="running"]').waitFor({ timeout: 8000 });
  await page.locator('tr[data-service="queue"][data-status="stopped"]').waitFor({ timeout: 8000 });
  assert.match(await page.locator('tr[data-service="website"]').textContent(), /Running/);
  assert.match(await page.locator('tr[data-service="queue"]').textContent(), /Stopped/);
  await page.getByTestId('services-summary').filter({ hasText: '1/2 running' }).waitFor();
  await page.locator('tr[data-host]').first().waitFor();
  await screenshot(page, 'health.png');
});

t('resources draws labelled charts and appends live points in a fixed window', async () => {
  await gotoView('4', 'Resources');
  await page.getByRole('button', { name: '15m' }).click();
  await page.getByRole('button', { name: '15m', pressed: true }).waitFor();
  const cpu = page.locator('figure[data-chart="resources"]');
  await cpu.locator('canvas').waitFor();
  assert.match(await cpu.getByRole('img').getAttribute('aria-label'), /CPU, memory, GPU and disk usage/);
  assert.equal(await page.getByRole('img').count(), 3);
  const cap = cpu.locator('figcaption');
  // The chart shows the previous period's points until the 15m history has arrived: 900 buckets
  // of 1 s (gaps included), plus the live ones.
  let points = 0;
  await pollUntil(async () => {
    points = Number(await cap.getAttribute('data-points'));
    return (points >= 400 && points <= 905) || points;
  }, { what: '15 minutes of points' });
  await pollUntil(async () => {
    const text = await cap.textContent();
    return /Latest: CPU \d+%/.test(text) || text;
  }, { what: 'a live CPU value' });
  await page.waitForTimeout(2500);
  const after = Number(await cap.getAttribute('data-points'));
  assert.ok(Math.abs(after - points) <= 2, `fixed window: ${points} → ${after}`);
  await page.getByRole('button', { name: '24h' }).click();
  await screenshot(page, 'resources.png');
});

t('nodes lists this node with counters', async () => {
  await gotoView('7', 'Nodes');
  const row = page.locator('tr[data-host]').first();
  await row.waitFor();
  await pollUntil(async () => {
    const v = Number(await row.locator('[data-counter="requests"]').getAttribute('data-value'));
    return v >= 5 || v;
  }, { what: 'requests counter' });
  await screenshot(page, 'nodes.png');
});

t('keys 1–7, R, F and S work', async () => {
  const names = ['Overview', 'Sessions', 'Health', 'Resources', 'Alerts', 'Incidents', 'Nodes'];
  for (let i = 0; i < names.length; i++) await gotoView(String(i + 1), names[i]);
  await gotoView('1', 'Overview');
  await page.keyboard.press('r');
  await page.getByTestId('refreshed').waitFor();
  await page.keyboard.press('s');
  await page.locator('#sidebar').waitFor({ state: 'hidden' });
  await page.keyboard.press('S');
  await page.locator('#sidebar').waitFor({ state: 'visible' });
  await page.keyboard.press('f');
  await pollUntil(async () => (await page.evaluate(() => !!document.fullscreenElement)) || 'not fullscreen', { what: 'fullscreen' });
  await page.keyboard.press('f');
  await pollUntil(async () => (await page.evaluate(() => !document.fullscreenElement)) || 'still fullscreen', { what: 'fullscreen off' });
  // Ctrl+2 belongs to the browser, not to the dashboard.
  await page.keyboard.press('Control+2');
  assert.equal(await page.getByRole('tab', { name: 'Overview' }).getAttribute('aria-selected'), 'true');
  // ? opens the help, whose setting turns single-key shortcuts off.
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor();
  await dialog.getByLabel('Single-key shortcuts on').uncheck();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.keyboard.press('2');
  await page.waitForTimeout(200);
  assert.equal(await page.getByRole('tab', { name: 'Overview' }).getAttribute('aria-selected'), 'true');
  await page.getByRole('button', { name: 'Keyboard shortcuts and settings' }).click();
  await dialog.getByLabel('Single-key shortcuts on').check();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await gotoView('2', 'Sessions');
});

t('the LIVE badge greys when the stream drops and recovers by itself', async () => {
  await page.getByTestId('live').filter({ hasText: 'LIVE' }).waitFor();
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="live"]');
    window.__liveStates = [];
    new MutationObserver(() => window.__liveStates.push(`${el.dataset.state}:${el.textContent}`))
      .observe(el, { attributes: true, childList: true, subtree: true, characterData: true });
  });
  const seen = srv.errors(page).length;
  await srv.restart({ downMs: 1500 });
  // The browser logs each refused reconnect of the stream while the server is down.
  await page.locator('[data-testid="live"][data-state="open"]').filter({ hasText: 'LIVE' }).waitFor({ timeout: 15000 });
  const states = await page.evaluate(() => window.__liveStates);
  assert.ok(states.includes('offline:offline'), `the badge went grey: ${states}`);
  const during = srv.errors(page).splice(seen);
  assert.deepEqual(during.filter((e) => !/ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_INCOMPLETE_CHUNKED_ENCODING/.test(e)), []);
});

t('a monitor logs in and sees masked users', async () => {
  const mon = await srv.openAs('monitor');
  try {
    await mon.getByTestId('me').filter({ hasText: 'monitor' }).waitFor();
    await mon.keyboard.press('2');
    const row = mon.locator('tr[data-session-id="e2e-a1b2"]');
    await row.waitFor();
    assert.match(await row.textContent(), /\+55•••••••8777/);
    assert.doesNotMatch(await row.textContent(), /5511999888777/);
    await row.click();
    await mon.getByTestId('session-user').filter({ hasText: '+55•••••••8777' }).waitFor();
    assert.deepEqual(srv.errors(mon), []);
  } finally {
    await mon.context().close();
  }
});
