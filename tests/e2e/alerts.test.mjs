// The Alerts view against a real botmon (SPEC 10 item 5): the rule editor shows the API's
// per-field errors beside the fields and saves a valid rule, the backtest preview, "Send test"
// reaching a local webhook receiver, silences and maintenance windows, and a monitor who can
// read everything but edit nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, withScreenshot, screenshot } from './server.mjs';

let srv;
let page = null;
const t = withScreenshot(test, () => page);
const RULE = 'E2E error burst';

const YAML_RULE = ' Queue backlog ';   // a provisioned rule; its name keeps its spaces

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmon-e2e-alerts-'));
  const config = path.join(dir, 'botmon.yaml');
  fs.writeFileSync(config, [
    'rules:',
    `  - name: "${YAML_RULE}"`,
    '    field: queue.depth',
    '    aggregation: max',
    '    operand: equalOrMoreThan',
    '    value: 50',
    '    timeframe: 2m',
    '',
  ].join('\n'));
  srv = await startServer({ extraArgs: ['--config', config] });
  // Some stored samples for the backtest to read.
  await srv.ingest([0, 1, 2, 3].map((i) => ({ type: 'log', level: 'error', bot: 'mybot', message: `boom ${i}` })));
});

after(async () => {
  await srv?.stop();
});


// Console errors, less the ones these tests cause on purpose: Chromium logs every 4xx answer of a
// fetch, and the editor's invalid values are answered 400 by design.
function unexpectedErrors(p) {
  return srv.errors(p).filter((e) => !/Failed to load resource: the server responded with a status of 400/.test(e));
}

async function gotoAlerts(p, rule = '') {
  await p.goto(`${srv.baseUrl}/#/alerts${rule ? '/' + encodeURIComponent(rule) : ''}`);
  await p.locator('tr[data-rule="CPU Usage (warning)"]').waitFor();
}

t('admin: a bad value shows the API error beside its field; a valid rule is saved and listed', async () => {
  page = await srv.openAs('admin');
  await gotoAlerts(page);
  // Defaults are listed read-only with their source.
  await page.locator('tr[data-rule="Node down"]', { hasText: 'default' }).waitFor();

  await page.getByRole('button', { name: 'New rule' }).click();
  const form = page.getByRole('form', { name: 'Rule editor' });
  await form.getByLabel('Name', { exact: true }).fill(RULE);
  await form.getByLabel('Field (metric)').fill('errors.count');
  await form.getByLabel('Aggregation').selectOption('sum');
  await form.getByLabel('Operand').selectOption('equalOrMoreThan');
  await form.getByLabel('Threshold (value)').fill('abc');
  await form.getByLabel('Timeframe').fill('5x');
  await form.getByLabel('Match').fill('mount=/');
  await form.getByRole('button', { name: 'Create rule' }).click();

  // Each error sits beside its own control, announced (role=alert) and linked (aria-describedby).
  const valueErr = page.locator('#rule-value-error');
  await valueErr.waitFor();
  assert.match(await valueErr.textContent(), /number/);
  assert.equal(await valueErr.getAttribute('role'), 'alert');
  assert.match(await page.locator('#rule-value').getAttribute('aria-describedby'), /rule-value-error/);
  assert.equal(await page.locator('#rule-value').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#rule-timeframe-error').textContent(), /unit "x"/);
  assert.match(await page.locator('#rule-match-error').textContent(), /no dimension "mount"/);
  // A field without a problem has no error.
  assert.equal(await page.locator('#rule-field-error').count(), 0);
  await screenshot(page, 'alert-editor-error.png');
  // Nothing was stored.
  assert.equal((await srv.request(`/api/alerts/rules/${encodeURIComponent(RULE)}`)).status, 404);

  await form.getByLabel('Threshold (value)').fill('3');
  await form.getByLabel('Timeframe').fill('1m');
  await form.getByLabel('Match').fill('bot=mybot');
  await form.getByLabel('Severity').selectOption('critical');
  await form.getByRole('button', { name: 'Create rule' }).click();
  await page.locator(`tr[data-rule="${RULE}"]`, { hasText: 'api' }).waitFor();
  assert.equal(await page.locator('#rule-value-error').count(), 0);
  const stored = await srv.request(`/api/alerts/rules/${encodeURIComponent(RULE)}`);
  assert.equal(stored.status, 200);
  assert.equal(stored.body.value, 3);
  assert.equal(stored.body.timeframe, '1m');
  assert.equal(stored.body.severity, 'critical');
  assert.deepEqual(stored.body.match, { bot: 'mybot' });
  // The route follows the open rule.
  assert.equal(decodeURIComponent(new URL(page.url()).hash), `#/alerts/${RULE}`);
  assert.deepEqual(unexpectedErrors(page), []);
});

t('admin: a botmon.yaml rule is read-only; a default rule only switches on and off', async () => {
  await page.locator(`tr[data-rule="${YAML_RULE}"]`).getByRole('link').click();
  const form = page.getByRole('form', { name: 'Rule editor' });
  await page.getByTestId('rule-source').filter({ hasText: /botmon\.yaml:2/ }).waitFor();
  assert.equal(await form.getByLabel('Name', { exact: true }).inputValue(), YAML_RULE);
  assert.ok(await form.getByLabel('Threshold (value)').isDisabled());
  assert.ok(await form.getByLabel('Operand').isDisabled());
  assert.ok(await form.getByLabel('Enabled').isDisabled());
  assert.equal(await form.getByRole('button', { name: 'Save' }).count(), 0);
  assert.equal(decodeURIComponent(new URL(page.url()).hash), `#/alerts/${YAML_RULE}`);

  await page.locator('tr[data-rule="GPU Usage (warning)"]').getByRole('link').click();
  await page.getByTestId('rule-source').filter({ hasText: 'default rule set' }).waitFor();
  assert.ok(await form.getByLabel('Threshold (value)').isDisabled());
  await form.getByLabel('Enabled').uncheck();
  await form.getByRole('button', { name: 'Save' }).click();
  await page.locator('tr[data-rule="GPU Usage (warning)"]', { hasText: 'disabled' }).waitFor();
  const r = await srv.request(`/api/alerts/rules/${encodeURIComponent('GPU Usage (warning)')}`);
  assert.equal(r.body.enabled, false);
  assert.equal(r.body.value, 90);

  await page.locator(`tr[data-rule="${RULE}"]`).getByRole('link').click();
  await page.getByTestId('rule-source').filter({ hasText: 'the API' }).waitFor();
  assert.deepEqual(unexpectedErrors(page), []);
});

t('admin: backtest previews the unsaved rule', async () => {
  const form = page.getByRole('form', { name: 'Rule editor' });
  await form.getByLabel('Threshold (value)').fill('1');   // unsaved change
  await page.getByLabel('Period').selectOption('1h');
  await page.getByRole('button', { name: 'Backtest' }).click();
  const res = page.getByTestId('backtest-result');
  await res.waitFor();
  assert.match((await res.textContent()).replace(/\s+/g, ' '), /would have opened over the last 1h \(\d+ evaluations/);
  const n = Number(await res.locator('strong').getAttribute('data-value'));
  assert.ok(n >= 0);
  // A bad value in the preview is reported beside its field too.
  await form.getByLabel('Timeframe').fill('later');
  await page.getByRole('button', { name: 'Backtest' }).click();
  await page.locator('#rule-timeframe-error').waitFor();
  await form.getByLabel('Timeframe').fill('1m');
  assert.equal(await page.locator('#rule-timeframe-error').count(), 0, 'editing a field clears its error');
  await page.getByRole('button', { name: 'Backtest' }).click();
  await res.waitFor();
  // The saved rule is unchanged.
  assert.equal((await srv.request(`/api/alerts/rules/${encodeURIComponent(RULE)}`)).body.value, 3);
  assert.deepEqual(unexpectedErrors(page), []);
});

t('admin: "Send test" reaches a local webhook receiver and shows the result', async () => {
  const received = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${receiver.address().port}/hook`;
  try {
    const made = await srv.request('/api/alerts/channels', {
      method: 'POST', body: { name: 'e2e-hook', kind: 'webhook', url },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.keyboard.press('r');   // the shell's refresh: the view refetches
    const row = page.locator('tr[data-channel="e2e-hook"]');
    await row.waitFor();
    await row.getByRole('button', { name: 'Send test to e2e-hook' }).click();
    const result = row.getByTestId('test-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-ok'), 'true');
    assert.match(await result.textContent(), /ok · status 204 · \d+ ms/);
    // Incidents of the running server may reach the new channel too (no routes: every channel).
    const tests = received.filter((r) => JSON.parse(r.body).event === 'test');
    assert.equal(tests.length, 1);
    assert.equal(JSON.parse(tests[0].body).test, true);
    assert.ok(tests[0].headers['x-botmon-delivery']);
    await screenshot(page, 'alerts.png');
  } finally {
    await new Promise((r) => receiver.close(r));
  }
  // With the receiver gone, the result says why.
  const row = page.locator('tr[data-channel="e2e-hook"]');
  await row.getByRole('button', { name: 'Send test to e2e-hook' }).click();
  await row.locator('[data-testid=test-result][data-ok=false]').waitFor({ timeout: 20000 });
  assert.match(await row.getByTestId('test-result').textContent(), /failed.*(connect|refused)/i);
  assert.deepEqual(unexpectedErrors(page), []);
});

t('admin: silences and maintenance windows are created and deleted', async () => {
  const silences = page.getByRole('form', { name: 'New silence' });
  await silences.getByLabel('Match').fill(`rule=${RULE}`);
  await silences.getByLabel('Comment').fill('e2e quiet');
  await silences.getByRole('button', { name: 'Add silence' }).click();
  const srow = page.locator('[data-testid=silences] tr', { hasText: 'e2e quiet' });
  await srow.waitFor();
  const list = (await srv.request('/api/alerts/silences')).body.silences;
  assert.equal(list.length, 1);
  assert.deepEqual(list[0].match, { rule: RULE });
  await srow.getByRole('button', { name: /Delete silence/ }).click();
  await srow.waitFor({ state: 'detached' });
  assert.equal((await srv.request('/api/alerts/silences')).body.silences.length, 0);

  const maint = page.getByRole('form', { name: 'New maintenance window' });
  await maint.getByLabel('Name').fill('e2e-weekly');
  await maint.getByLabel('Schedule').selectOption('weekly');
  await maint.getByLabel('Start (local HH:MM)').fill('25:00');
  await maint.getByRole('button', { name: 'Add window' }).click();
  await page.locator('#maint-start-error').waitFor();
  await maint.getByLabel('Start (local HH:MM)').fill('02:00');
  await maint.getByLabel(/Time zone/).fill('UTC');
  await maint.getByRole('button', { name: 'Add window' }).click();
  const mrow = page.locator('tr[data-maintenance="e2e-weekly"]');
  await mrow.waitFor();
  assert.match(await mrow.textContent(), /weekly sun at 02:00 for 2h/);
  await mrow.getByRole('button', { name: /Delete maintenance window/ }).click();
  await mrow.waitFor({ state: 'detached' });
  assert.equal((await srv.request('/api/alerts/maintenance')).body.maintenance.length, 0);
  assert.deepEqual(unexpectedErrors(page), []);
});

t('admin: an API rule is deleted after a confirmation', async () => {
  const made = await srv.request('/api/alerts/rules', {
    method: 'POST',
    body: { name: 'E2E temporary', field: 'queue.depth', aggregation: 'max', operand: 'equalOrMoreThan', value: 5, timeframe: '1m' },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('r');
  await page.locator('tr[data-rule="E2E temporary"]').getByRole('link').click();
  const form = page.getByRole('form', { name: 'Rule editor' });
  await page.getByTestId('rule-source').filter({ hasText: 'the API' }).waitFor();
  assert.equal(await form.getByLabel('Threshold (value)').inputValue(), '5');
  page.once('dialog', (d) => d.accept());
  await form.getByRole('button', { name: 'Delete' }).click();
  await page.locator('tr[data-rule="E2E temporary"]').waitFor({ state: 'detached' });
  assert.equal((await srv.request(`/api/alerts/rules/${encodeURIComponent('E2E temporary')}`)).status, 404);
  assert.equal(new URL(page.url()).hash, '#/alerts');
  assert.deepEqual(unexpectedErrors(page), []);
});

t('monitor: everything is shown, nothing can be edited', async () => {
  const mon = await srv.openAs('monitor');
  page = mon;
  await gotoAlerts(mon, RULE);
  const form = mon.getByRole('form', { name: 'Rule editor' });
  await form.waitFor();
  assert.equal(await form.getByLabel('Threshold (value)').inputValue(), '3');
  for (const label of ['Name', 'Field (metric)', 'Threshold (value)', 'Timeframe', 'Match']) {
    assert.ok(await form.getByLabel(label, { exact: true }).isDisabled(), `${label} is disabled`);
  }
  assert.ok(await form.getByLabel('Aggregation').isDisabled());
  assert.ok(await form.getByLabel('Enabled').isDisabled());
  for (const name of ['New rule', 'Save', 'Delete', 'Backtest', /Send test/, 'Add silence', 'Add window']) {
    assert.equal(await mon.getByRole('button', { name }).count(), 0, `no ${name} button`);
  }
  await mon.locator('tr[data-channel="e2e-hook"]').waitFor();
  // The API would refuse anyway.
  const put = await srv.request(`/api/alerts/rules/${encodeURIComponent(RULE)}`,
    { role: 'monitor', method: 'PUT', body: { enabled: false } });
  assert.equal(put.status, 403);
  assert.deepEqual(unexpectedErrors(mon), []);
});
