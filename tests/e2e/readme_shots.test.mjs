// The README's screenshots, taken from the demo (`botmon serve --demo`, as `make run` starts it):
// the Overview, a session's conversation and the Incidents view with an incident's detail. They
// land in $ARTIFACTS/readme/; docs/img/ holds the copies the README shows (refreshed by hand from
// a run: `cp build/e2e-artifacts/readme/*.png docs/img/`).
//
// The demo's own anomalies come about every 8 minutes; so that an incident is there within
// seconds, the test adds a rule the demo's traffic breaks at once, over the API as an operator
// would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, withScreenshot, ARTIFACTS } from './server.mjs';

const OUT = path.join(ARTIFACTS, 'readme');
let srv;
let page;
const t = withScreenshot(test, () => page);
const shot = (name) => page.screenshot({ path: path.join(OUT, name) });

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  srv = await startServer({ demo: true, tick: '1s' });
  const rule = await srv.request('/api/alerts/rules', {
    method: 'POST',
    body: {
      name: 'Busy bot', field: 'eventsIn.count', aggregation: 'sum', operand: 'equalOrMoreThan',
      value: 5, timeframe: '1m', severity: 'warning', description: '{{value}} events in a minute on {{host}}',
    },
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.body));
  page = await srv.newPage({ viewport: { width: 1280, height: 860 } });
  await srv.login(page);
});

after(async () => {
  if (page) assert.deepEqual(srv.errors(page), [], 'errors in the page');
  await srv?.stop();
});

t('overview of the demo', async () => {
  await page.locator('[data-testid=sessions-active][data-value]').waitFor({ timeout: 15000 });
  await page.locator('[data-testid=live]', { hasText: /live/i }).waitFor();
  // A few ticks so that the cards and bars hold the demo's figures, not the first tick's.
  await page.waitForTimeout(4000);
  await shot('overview.png');
});

t("a session's conversation", async () => {
  await page.keyboard.press('2');
  const row = page.locator('tr[data-session-id]').first();
  await row.waitFor({ timeout: 15000 });
  await row.click();
  await page.locator('[data-direction="bot"]').first().waitFor({ timeout: 15000 });
  await shot('conversation.png');
});

t('incidents with a detail', async () => {
  await page.keyboard.press('6');
  const link = page.locator('tr[data-incident-id] a', { hasText: 'Busy bot' }).first();
  await link.waitFor({ timeout: 20000 });
  await link.click();
  await page.locator('#incident-title', { hasText: 'Busy bot' }).waitFor();
  await shot('incidents.png');
});
