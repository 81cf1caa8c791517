// A dashboard left open must keep a bounded memory (SPEC 10, issue 5): the demo at a 1 s tick,
// the page logged in and visiting every view in turn, as an operator clicking around a page left
// open all day would. The JS heap is measured after a forced garbage collection (over the Chrome
// DevTools Protocol, so the browser needs no special flag) back on the Overview each time; its
// size at the end must stay within 2x of its size after the first minute.
//
// BOTMON_E2E_MEMORY_SECONDS sets the length: 180 in `make test`, 1800 in `make soak`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, screenshot, ARTIFACTS } from './server.mjs';

const SECONDS = Number(process.env.BOTMON_E2E_MEMORY_SECONDS || 180);
const BASELINE_S = 60;
const VIEWS = ['Overview', 'Sessions', 'Health', 'Resources', 'Alerts', 'Incidents', 'Nodes'];

let srv;
let page;

before(async () => {
  assert.ok(SECONDS >= 2 * BASELINE_S, 'BOTMON_E2E_MEMORY_SECONDS must be at least 120');
  srv = await startServer({ demo: true, tick: '1s' });
  page = await srv.newPage();
  await srv.login(page);
});

after(async () => {
  if (page) assert.deepEqual(srv.errors(page), [], 'errors in the page');
  await srv?.stop();
});

// The used JS heap in bytes after a full garbage collection, measured on the Overview.
async function heapAfterGc(cdp) {
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.locator('[data-testid=sessions-active][data-value]').waitFor();
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

const name = `the JS heap after ${SECONDS} s stays within 2x of its size after the first minute`;
test(name, { timeout: (SECONDS + 120) * 1000 }, async () => {
  try {
    await measure();
  } catch (e) {
    await screenshot(page, 'FAILED-memory.png').catch(() => {});
    throw e;
  }
});

async function measure() {
  const cdp = await page.context().newCDPSession(page);
  const start = Date.now();
  const elapsed = () => (Date.now() - start) / 1000;
  const samples = [];
  let baseline = 0;
  let view = 0;
  // Bounded: one step every 2 s until SECONDS have passed.
  for (let step = 0; step < SECONDS && elapsed() < SECONDS; step++) {
    await page.getByRole('tab', { name: VIEWS[view++ % VIEWS.length] }).click();
    await sleep(2000);
    if (step % 10 === 9 || elapsed() >= SECONDS) {
      const bytes = await heapAfterGc(cdp);
      samples.push({ s: Math.round(elapsed()), bytes });
      if (!baseline && elapsed() >= BASELINE_S) baseline = bytes;
    }
  }
  const final = await heapAfterGc(cdp);
  samples.push({ s: Math.round(elapsed()), bytes: final });
  fs.writeFileSync(path.join(ARTIFACTS, 'memory.json'), JSON.stringify({ baseline, final, samples }, null, 1));
  await screenshot(page, 'memory-end.png');
  assert.ok(baseline > 0, 'no heap sample after the first minute');
  assert.ok(final <= 2 * baseline,
    `heap grew from ${baseline} bytes after ${BASELINE_S} s to ${final} bytes after ${SECONDS} s`);
  // The page is still live at the end: the stream is up and the cards follow the demo.
  await page.locator('[data-testid=live]', { hasText: /live/i }).waitFor();
}
