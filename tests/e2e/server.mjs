// Test harness for the browser tests (guides/BROWSER-TESTS.md): starts a real botmon on
// 127.0.0.1 with a kernel-chosen port, creates credentials the product's own way (`botmon token
// create`, BOTMON_ADMIN_PASSWORD), feeds it through the ingest API, and opens Debian Chromium
// pages that can reach nothing but 127.0.0.1.
//
//   const srv = await startServer({ demo: false });
//   await srv.ingest([{ type: 'message.in', session: 's1', user: '+5511999888777', text: 'hi' }]);
//   const page = await srv.newPage();          // one browser context per page
//   await srv.login(page);                      // admin / ADMIN_PASSWORD by default
//   ... srv.errors(page) → console errors and page errors seen so far
//   await srv.stop();
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const BOTMON_BIN = process.env.BOTMON_BIN || path.join(ROOT, 'build/botmon');
export const ARTIFACTS = process.env.ARTIFACTS || path.join(ROOT, 'build/e2e-artifacts');
export const ADMIN_PASSWORD = 'e2e-admin-pass-7431';
export const MONITOR_PASSWORD = 'e2e-monitor-pass-1';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Console lines that are not page errors. None: the shell asks GET /api/auth/me, which answers
// 200 with a null user before login, so that a visit to the login form logs no error.
const EXPECTED_CONSOLE = [];

let browser = null;        // one Chromium per test file, shared by that file's pages
let browserUsers = 0;

export async function startServer({ demo = false, tick = '1s', extraArgs = [], env = {} } = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'botmon-e2e-'));
  const dataDir = path.join(dir, 'data');
  const portFile = path.join(dir, 'port');
  const logFile = path.join(ARTIFACTS, `server-${process.pid}-${path.basename(dir)}.log`);
  const log = fs.openSync(logFile, 'w');
  const baseArgs = ['serve', '--data-dir', dataDir, '--port-file', portFile, '--tick', tick,
    ...(demo ? ['--demo', '--demo-seed', '7'] : []), ...extraArgs];
  let child = null;
  let exited = null;

  // Starts botmon and waits for its port file and /healthz.
  const spawnServer = async (listen) => {
    fs.rmSync(portFile, { force: true });
    exited = null;
    child = spawn(BOTMON_BIN, [...baseArgs, '--listen', listen], {
      env: { ...process.env, BOTMON_ADMIN_PASSWORD: ADMIN_PASSWORD, ...env },
      stdio: ['ignore', log, log],
    });
    const me = child;
    me.on('exit', (code, sig) => { if (child === me) exited = { code, sig }; });
    let p = '';
    for (let i = 0; i < 200 && !p; i++) {
      if (exited) throw new Error(`botmon exited early (${JSON.stringify(exited)}):\n${fs.readFileSync(logFile, 'utf8')}`);
      try { p = fs.readFileSync(portFile, 'utf8').trim(); } catch { /* not yet */ }
      if (!p) await sleep(50);
    }
    if (!p) { child.kill('SIGKILL'); throw new Error('no port file after 10 s'); }
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(`http://127.0.0.1:${p}/healthz`)).ok) break; } catch { /* starting */ }
      await sleep(50);
    }
    return p;
  };

  // SIGTERM, then SIGKILL after 5 s (SPEC 2: exit within 5 s).
  const stopServer = async () => {
    if (!child || exited) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 100 && !exited; i++) await sleep(50);
    if (!exited) {
      child.kill('SIGKILL');
      for (let i = 0; i < 40 && !exited; i++) await sleep(50);
    }
  };

  const port = await spawnServer('127.0.0.1:0');
  const baseUrl = `http://127.0.0.1:${port}`;

  // Stops the server and starts it again on the same port and data dir (open pages see their
  // live stream drop and come back). `downMs`: how long it stays down.
  const restart = async ({ downMs = 0 } = {}) => {
    await stopServer();
    if (downMs) await sleep(downMs);
    await spawnServer(`127.0.0.1:${port}`);
  };

  const tokens = new Map();
  const token = (role) => {
    if (!tokens.has(role)) {
      const out = execFileSync(BOTMON_BIN, ['token', 'create', '--name', `e2e-${role}-${tokens.size}`,
        '--role', role, '--data-dir', dataDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      tokens.set(role, out.trim());
    }
    return tokens.get(role);
  };

  // Adds a dashboard user with `botmon user add` (password on stdin).
  const userAdd = (name, role, password) => {
    execFileSync(BOTMON_BIN, ['user', 'add', name, '--role', role, '--data-dir', dataDir],
      { input: `${password}\n`, encoding: 'utf8', stdio: ['pipe', 'ignore', 'pipe'] });
  };

  // Calls the API with a bearer token of `role`; returns {status, body}.
  const request = async (p, { role = 'admin', method = 'GET', body } = {}) => {
    const res = await fetch(baseUrl + p, {
      method,
      headers: { Authorization: `Bearer ${token(role)}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: res.status, body: json };
  };

  const ingest = async (events) => {
    const r = await request('/api/v1/events', { role: 'ingest', method: 'POST', body: events });
    if (r.status !== 200 || r.body.rejected.length) {
      throw new Error(`ingest failed: ${r.status} ${JSON.stringify(r.body)}`);
    }
    return r.body;
  };

  const pageErrors = new Map();   // page → [string]
  const contexts = [];

  const newPage = async ({ viewport = { width: 1280, height: 800 }, headers } = {}) => {
    if (!browser) {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync',
          '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
      });
    }
    if (!contexts.length) browserUsers++;   // one use per server: stop() releases it once
    const ctx = await browser.newContext({
      viewport, timezoneId: 'UTC', locale: 'en-US', baseURL: baseUrl,
      ...(headers ? { extraHTTPHeaders: headers } : {}),
    });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(5000);
    const errs = [];
    pageErrors.set(page, errs);
    page.on('pageerror', (e) => errs.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      if (EXPECTED_CONSOLE.some((re) => re.test(text))) return;
      errs.push(`console: ${text}`);
    });
    return page;
  };

  const login = async (page, user = 'admin', pass = ADMIN_PASSWORD) => {
    if (!page.url().startsWith(baseUrl)) await page.goto(`${baseUrl}/`);
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(pass);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: 'Overview' }).waitFor();
  };

  // A page signed in as 'admin' or 'monitor' through the login form; the monitor user is made
  // the product's way (`botmon user add`, password on stdin) on first use.
  let monitorMade = false;
  const openAs = async (role) => {
    const p = await newPage();
    if (role === 'admin') {
      await login(p);
    } else {
      if (!monitorMade) userAdd('e2e-monitor', 'monitor', MONITOR_PASSWORD);
      monitorMade = true;
      await login(p, 'e2e-monitor', MONITOR_PASSWORD);
    }
    return p;
  };

  const stop = async () => {
    for (const ctx of contexts.splice(0)) await ctx.close().catch(() => {});
    if (browser && --browserUsers <= 0) {
      await browser.close().catch(() => {});
      browser = null;
      browserUsers = 0;
    }
    await stopServer();
    fs.closeSync(log);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  return {
    baseUrl, dataDir, logFile, restart,
    pid: () => child.pid, token, userAdd, request, ingest, newPage, login, openAs, stop,
    errors: (page) => pageErrors.get(page) ?? [],
    adminHeaders: () => ({ Authorization: `Bearer ${token('admin')}` }),
  };
}

// test(name, fn) wrapper: a failure leaves ARTIFACTS/FAILED-<name>.png of `getPage()`.
export function withScreenshot(test, getPage) {
  return (name, fn) => test(name, async (t) => {
    try {
      await fn(t);
    } catch (e) {
      const page = getPage();
      if (page) {
        await page.screenshot({ path: path.join(ARTIFACTS, `FAILED-${name.replace(/\W+/g, '_')}.png`), fullPage: true })
          .catch(() => {});
      }
      throw e;
    }
  });
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}
