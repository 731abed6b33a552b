// Live traffic in the console, in a real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// against a real platform-server whose sidecars carry real calls. platform-server's
// ConsoleTrafficBrowserIntegrationTest starts the server, three in-process sidecars (a caller and two versions of
// the service behind their own sidecars) and steady traffic, then runs this file. By hand: set the variables below.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

function setting(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined) {
    throw new Error(`the traffic e2e needs ${name}`);
  }
  return value;
}

const URL = setting('CONSOLE_URL');
const PASSWORD = setting('CONSOLE_ADMIN_PASSWORD');
const SERVICE = setting('CONSOLE_SERVICE', 'orders');
const CALLER = setting('CONSOLE_CALLER', 'web');
const SHOTS = setting('CONSOLE_SCREENSHOTS', join(tmpdir(), 'console-screenshots'));
const BROWSER = setting('CHROMIUM', '/usr/bin/chromium');
// Traffic is counted in buckets: a changed split needs a few of them to show.
const LIVE = { timeout: 120_000 };
const UI = { timeout: 30_000 };

let dir;
let browser;
let page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'console-traffic-e2e-'));
  browser = await chromium.launchPersistentContext(dir, {
    executablePath: BROWSER,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  browser.setDefaultTimeout(UI.timeout);
  page = browser.pages()[0] ?? (await browser.newPage());
});

after(async () => {
  await browser?.close();
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function api(method, path, token, body, headers = {}) {
  const response = await fetch(URL + path, {
    method,
    headers: {
      Accept: 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The split on the overview, as {version label: percent now}. */
function splitNow() {
  return page.getByTestId('split-share').evaluateAll((shares) =>
    Object.fromEntries(shares.map((s) => [s.dataset.label.split(' ')[0], Number(s.dataset.share)])),
  );
}

/** Waits until each version's share now is within its [low, high] percent, as the page's own refresh shows it. */
async function splitBecomes(bounds) {
  try {
    await page.waitForFunction(
      (wanted) => {
        const now = {};
        document.querySelectorAll('[data-testid="split-share"]').forEach((s) => {
          now[s.dataset.label.split(' ')[0]] = Number(s.dataset.share);
        });
        return Object.entries(wanted).every(([v, [low, high]]) => now[v] >= low && now[v] <= high);
      },
      bounds,
      { ...LIVE, polling: 500 },
    );
  } catch (e) {
    assert.fail(`the split never became ${JSON.stringify(bounds)}; last seen ${JSON.stringify(await splitNow())}: ${e}`);
  }
  return splitNow();
}

const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });

/** A test that leaves a screenshot of the page as it failed (traffic-failed-<n>.png) beside the others. */
let failures = 0;
function step(name, body) {
  test(name, async () => {
    try {
      await body();
    } catch (e) {
      await shot(`traffic-failed-${++failures}`).catch(() => {});
      throw e;
    }
  });
}

step('the overview charts the traffic through the sidecars', async () => {
  await page.goto(URL + '/');
  await page.getByLabel('User name', { exact: true }).fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('overview').waitFor(UI);
  for (const chart of ['Request rate', 'Error rate', 'p99 latency']) {
    // attached, not visible: a flat line (no errors) has no height
    await page.getByTestId(`chart-${chart}`).locator('.recharts-line-curve').first().waitFor({ state: 'attached', ...LIVE });
  }
  const legend = await page.getByTestId('chart-Request rate').locator('.recharts-legend-item-text').allTextContents();
  assert.ok(legend.includes(SERVICE), `the request-rate chart has a line for ${SERVICE}: ${legend}`);
});

step('without a rule the caller spreads the calls over both versions', async () => {
  await page.getByTestId('split-share').nth(1).waitFor(LIVE);
  const before = await splitBecomes({ 'version=1': [20, 80], 'version=2': [20, 80] });
  assert.equal(Object.keys(before).length, 2);
});

step('a weighted route 90/10 shows on the overview as a 90/10 split', async () => {
  const { token } = await api('POST', '/api/v1/auth/login', null, { username: 'admin', password: PASSWORD });
  await api('PUT', `/api/v1/rules/routing/${SERVICE}`, token, {
    subsets: [
      { name: 'v1', labels: { version: '1' } },
      { name: 'v2', labels: { version: '2' } },
    ],
    routes: [
      {
        name: 'canary',
        destinations: [
          { subset: 'v1', weight: 90 },
          { subset: 'v2', weight: 10 },
        ],
      },
    ],
  });
  const after = await splitBecomes({ 'version=1': [85, 95], 'version=2': [5, 15] });
  assert.ok(after['version=1'] + after['version=2'] > 99.5);
  await shot('console-overview-traffic');
});

step('the topology shows the caller calling the service, with its figures on hover', async () => {
  await page.getByRole('menuitem', { name: 'Topology' }).click();
  const edge = page.getByTestId(`edge:${CALLER}->${SERVICE}`);
  await edge.waitFor(LIVE);
  await page.getByTestId(`node:${SERVICE}`).waitFor(UI);
  await edge.locator('.edge-hit').hover({ force: true });
  const tip = page.getByTestId('topology-tooltip');
  await tip.waitFor(UI);
  const text = await tip.textContent();
  assert.match(text, new RegExp(`${CALLER}\\s*→\\s*${SERVICE}`));
  assert.match(text, /[1-9][\d.]* req\/s/);
  assert.match(text, /% errors/);
  assert.match(text, /p99 [\d.]+ ms/);
  await page.mouse.move(0, 0);
  await shot('console-topology');
});
