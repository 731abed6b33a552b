// End-to-end tests of the console in a real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) against a real platform-server. platform-server's ConsoleBrowserIntegrationTest starts the
// server, registers instances in its embedded registry and runs this file; to run it by hand against a server of
// your own, set the variables read below.
import { after, before, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) {
    throw new Error(`set ${name}`);
  }
  return value;
};

const BASE = env('CONSOLE_URL');
const ADMIN_PASSWORD = env('CONSOLE_ADMIN_PASSWORD');
const VIEWER = env('CONSOLE_VIEWER', 'vic');
const VIEWER_PASSWORD = env('CONSOLE_VIEWER_PASSWORD');
const SERVICE = env('CONSOLE_SERVICE', 'e2e-orders');
const SHOTS = env('CONSOLE_SCREENSHOTS', join(tmpdir(), 'console-screenshots'));
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const WAIT = { timeout: 30_000 };
const RULE = `${SERVICE}-route`;
// the service's two instances, each reported by a sidecar of its own (20880 starts in mesh, 20881 in SDK)
const MESH_INSTANCE = '127.0.0.1:20880';
const SDK_INSTANCE = '127.0.0.1:20881';
const MIGRATION = `${SERVICE} back to SDK`;

let profile;
let context;
let page;

// What the page asked the server, kept so that a failed step can say which request was still open or failed.
const requests = new Map();
const finished = [];
const consoleErrors = [];

function watch(p) {
  p.on('request', (r) => requests.set(r, Date.now()));
  const done = (r, outcome) => {
    const started = requests.get(r);
    requests.delete(r);
    finished.push(`${r.method()} ${r.url()} -> ${outcome} in ${started ? Date.now() - started : '?'} ms`);
    finished.splice(0, Math.max(0, finished.length - 15));
  };
  p.on('requestfinished', async (r) => done(r, (await r.response())?.status() ?? 'no response'));
  p.on('requestfailed', (r) => done(r, `failed: ${r.failure()?.errorText}`));
  p.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  p.on('pageerror', (e) => consoleErrors.push(String(e)));
}

// Each step, on failure, leaves a screenshot and prints the requests still open, the last ones answered and the
// page's errors: a step that times out in CI then says whether the server, the network or the page stalled.
function test(name, body) {
  return nodeTest(name, async (t) => {
    try {
      await body(t);
    } catch (e) {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      await page?.screenshot({ path: join(SHOTS, `failed-${slug}.png`), fullPage: true }).catch(() => {});
      const open = [...requests].map(([r, at]) => `${r.method()} ${r.url()} open for ${Date.now() - at} ms`);
      t.diagnostic(`requests still open: ${open.join('; ') || 'none'}`);
      t.diagnostic(`last requests: ${finished.join('; ') || 'none'}`);
      t.diagnostic(`page errors: ${consoleErrors.slice(-10).join('; ') || 'none'}`);
      throw e;
    }
  });
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  profile = mkdtempSync(join(tmpdir(), 'console-e2e-profile-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(30_000);
  page = context.pages()[0] ?? (await context.newPage());
  watch(page);
});

after(async () => {
  await context?.close();
  if (profile) {
    rmSync(profile, { recursive: true, force: true });
  }
});

// Exact: 'Service' must not find 'Filter by service' on a page that is still being replaced.
const label = (text) => page.getByLabel(text, { exact: true });

const shot = (name) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });

async function login(user, password) {
  await page.goto(BASE + '/');
  await label('User name').fill(user);
  await label('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('current-user').filter({ hasText: user }).waitFor(WAIT);
}

async function menu(name) {
  await page.getByRole('menuitem', { name }).click();
}

async function weight(route, destination, value) {
  await label(`Route ${route} destination ${destination} weight`).fill(String(value));
}

/**
 * Waits until the overlay holding `locator` (a modal, a popover or a select's dropdown) has finished its opening
 * animation. A click while it still zooms in can press the button at one place and release it at another once the
 * overlay has grown: the browser then sends no click, and the dialog stays open (a CI run failed that way).
 */
async function settled(locator) {
  await locator.waitFor(WAIT);
  await locator.evaluate(
    (el) =>
      new Promise((resolve, reject) => {
        const overlay = el.closest('.ant-modal, .ant-popover, .ant-select-dropdown') ?? el;
        const moving = () =>
          /-(appear|enter)\b/.test(overlay.className) || overlay.getAnimations().some((a) => a.playState === 'running');
        let still = 0;
        const started = performance.now();
        const check = () => {
          still = moving() ? 0 : still + 1;
          if (still >= 2) {
            resolve();
          } else if (performance.now() - started > 10_000) {
            reject(new Error(`the overlay is still animating: ${overlay.className}`));
          } else {
            requestAnimationFrame(check);
          }
        };
        check();
      }),
  );
  return locator;
}

async function reviewAndSave() {
  await page.getByRole('button', { name: 'Review and save' }).click();
  return settled(page.getByRole('dialog'));
}

test('a wrong password is refused in plain words', async () => {
  await page.goto(BASE + '/');
  await label('User name').fill('admin');
  await label('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong user name or password.' }).waitFor(WAIT);
});

test('an admin logs in and sees mesh adoption on the overview', async () => {
  await login('admin', ADMIN_PASSWORD);
  assert.equal(await page.getByTestId('current-role').textContent(), 'admin');
  await page.getByText('Instances by mode').waitFor(WAIT);
  await page.locator('.recharts-pie').waitFor(WAIT);
  const adoption = page.locator('.ant-statistic').filter({ hasText: 'Mesh adoption' });
  await adoption.locator('.ant-statistic-content-value').filter({ hasText: /^\d+$/ }).waitFor(WAIT);
  assert.ok(Number(await adoption.locator('.ant-statistic-content-value').textContent()) > 0);
  await shot('console-overview');
});

test('the instances registered in the embedded registry are listed with mode, labels and sidecar', async () => {
  await menu('Services');
  const rows = page.locator('.ant-table-row').filter({ hasText: SERVICE });
  await rows.first().waitFor(WAIT);
  const mesh = rows.filter({ hasText: '127.0.0.1:20880' });
  await mesh.waitFor(WAIT);
  assert.match(await mesh.textContent(), /mesh/);
  assert.match(await mesh.textContent(), /version=1/);
  assert.match(await mesh.textContent(), /127\.0\.0\.1:15001/);
  const sdk = rows.filter({ hasText: '127.0.0.1:20881' });
  assert.match(await sdk.textContent(), /sdk/);
  // what the sidecars saw of each instance in the last minute, from the platform's instance figures
  await mesh.getByTestId('traffic-ingress').waitFor(WAIT);
  assert.match(await mesh.getByTestId('traffic-ingress').textContent(), /^through its sidecar: (no calls|\d+ calls?, [\d.]+ % errors)/);
  assert.match(await sdk.getByTestId('traffic-fromConsumers').textContent(), /^from consumers' sidecars: (no calls|\d+ calls?, [\d.]+ % errors)/);

  await label('Search instances').fill('version=2');
  await rows.filter({ hasText: '127.0.0.1:20880' }).waitFor({ state: 'detached', ...WAIT });
  assert.equal(await rows.count(), 1);
  await label('Search instances').fill('');
  await mesh.waitFor(WAIT);
  await shot('console-services');
});

test('an operator creates a weighted route: form validation, diff, then version 1', async () => {
  await menu('Rules');
  await page.getByRole('button', { name: 'New rule' }).click();
  await page.getByRole('button', { name: 'Continue' }).waitFor(WAIT);
  await label('Service').fill(RULE);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('No such rule yet').waitFor(WAIT);

  await weight(1, 1, 70);
  await page.getByRole('button', { name: 'Review and save' }).click();
  await page.getByTestId('route-1-destination-errors').getByText('Weights sum to 80; make them sum to 100').waitFor(WAIT);
  assert.equal(await page.getByRole('dialog').count(), 0);

  await weight(1, 2, 30);
  const dialog = await reviewAndSave();
  await dialog.getByText('New rule').waitFor(WAIT);
  assert.match(await dialog.getByTestId('diff').textContent(), /"weight": 70/);
  await shot('console-rule-diff');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Version 1, written by admin').waitFor(WAIT);
});

test('the server refusal of an invalid rule is shown with the path it concerns', async () => {
  await page.getByRole('tab', { name: 'JSON' }).click();
  const json = label('Rule JSON');
  const doc = JSON.parse(await json.inputValue());
  doc.routes[0].destinations[0].subset = 'v9';
  await json.fill(JSON.stringify(doc, null, 2));
  const dialog = await reviewAndSave();
  await dialog.getByRole('button', { name: 'Save' }).click();
  const errors = page.getByTestId('rule-errors');
  await errors.waitFor(WAIT);
  assert.match(await errors.textContent(), /\$\.routes\[0\]\.destinations\[0\]\.subset.*'v9' is not defined.*GOV-0009/);
  await page.getByText('Version 1, written by admin').waitFor(WAIT);
});

test('a second version, then history with who and when, and rollback to version 1', async () => {
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await page.waitForFunction(
    () => !document.querySelector('textarea[aria-label="Rule JSON"]')?.value.includes('"v9"'),
    null,
    WAIT,
  );
  assert.equal(await page.getByTestId('rule-errors').count(), 0);
  await page.getByRole('tab', { name: 'Form' }).click();
  await weight(1, 1, 50);
  await weight(1, 2, 50);
  await (await reviewAndSave()).getByRole('button', { name: 'Save' }).click();
  await page.getByText('Version 2, written by admin').waitFor(WAIT);

  await page.getByRole('tab', { name: 'History' }).click();
  const history = page.getByTestId('rule-history').locator('.ant-table-row');
  await history.nth(1).waitFor(WAIT);
  assert.equal(await history.count(), 2);
  assert.match(await history.nth(0).textContent(), /^2.*current.*update.*admin/);
  assert.match(await history.nth(1).textContent(), /^1.*create.*admin/);

  await page.getByRole('button', { name: 'Roll back to v1' }).click();
  await (await settled(page.getByRole('button', { name: 'Roll back', exact: true }))).click();
  await page.getByText('Version 3, written by admin').waitFor(WAIT);
  await history.nth(2).waitFor(WAIT);
  assert.match(await history.nth(0).textContent(), /^3.*current.*rollback.*admin/);
  await shot('console-rule-history');

  await page.getByRole('tab', { name: 'Form' }).click();
  assert.equal(await label('Route 1 destination 1 weight').inputValue(), '70');
  await shot('console-rule-editor');
});

test('the audit log shows the rollback, filtered by action', async () => {
  await menu('Audit log');
  await label('Action').fill('rule.rollback');
  // the unfiltered log (create, update, rollback) is on screen until the filtered answer arrives and renders
  const filtered = page.waitForResponse((r) => r.url().includes('/api/v1/audit') && r.url().includes('action=rule.rollback'));
  await page.getByRole('button', { name: 'Filter' }).click();
  await filtered;
  await page.waitForFunction(() => document.querySelectorAll('.ant-table-row').length === 1, null, WAIT);
  const row = page.locator('.ant-table-row').filter({ hasText: `rule:routing/${RULE}` });
  await row.waitFor(WAIT);
  assert.equal(await page.locator('.ant-table-row').count(), 1);
  assert.match(await row.textContent(), /admin.*rule\.rollback/);
  await shot('console-audit');
});

const instanceRow = (address) =>
  page.locator('.ant-table-row').filter({ hasText: SERVICE }).filter({ hasText: address });

/** Opens the Select of form field `id` and clicks the option titled `title`. */
async function choose(id, title) {
  await page.locator(`#${id}`).click();
  await (await settled(page.locator(`.ant-select-item-option[title="${title}"]`))).click();
}

test("an operator switches one instance to mesh and its sidecar follows", async () => {
  await menu('Services');
  const row = instanceRow(SDK_INSTANCE);
  await row.getByRole('button', { name: 'Switch to mesh' }).click();
  const confirm = page.locator('.ant-popconfirm').filter({ hasText: `Switch ${SDK_INSTANCE} (${SERVICE}) to mesh?` });
  await settled(confirm);
  assert.match(await confirm.textContent(), /up before the old one is dropped/);
  await confirm.getByRole('button', { name: 'Switch', exact: true }).click();
  // the sidecar applies it (make-before-break) and reports mesh; the page polls until then
  await row.getByRole('button', { name: 'Switch to SDK' }).waitFor(WAIT);
  assert.equal(await row.getByTestId('sidecar-mode').textContent(), 'sidecar: mesh');
  assert.equal(await row.getByTestId('switching').count(), 0);
  // the instance that has no sidecar offers no switch
  const payments = page.locator('.ant-table-row').filter({ hasText: 'e2e-payments' });
  assert.equal(await payments.getByRole('button').count(), 0);
  assert.match(await payments.textContent(), /no sidecar/);
});

test('an operator migrates two instances to SDK in batches, then rolls the migration back', async () => {
  await menu('Migrations');
  await page.getByRole('button', { name: 'New migration' }).click();
  await page.getByTestId('new-migration').waitFor(WAIT);
  await choose('service', `${SERVICE} (2 instances)`);
  await label('Name').fill(MIGRATION);
  await page.getByText('SDK (direct, the sidecar passes through)').click();
  await choose('instances', `${MESH_INSTANCE} (now mesh)`);
  await choose('instances', `${SDK_INSTANCE} (now mesh)`);
  await page.keyboard.press('Escape');
  await label('Batch size').fill('1');
  // the browser checks the range before anything is sent
  await label('Pause seconds').fill('4000');
  await page.getByRole('button', { name: 'Create migration' }).click();
  await page.locator('.ant-form-item').filter({ hasText: 'From 0 to 3600 seconds' }).waitFor(WAIT);
  // long enough to watch the first batch and roll back before the second
  await label('Pause seconds').fill('120');
  await page.getByRole('button', { name: 'Create migration' }).click();

  const detail = page.getByTestId('migration-detail');
  await detail.waitFor(WAIT);
  const instances = page.getByTestId('plan-instances');
  const first = instances.locator('tr').filter({ hasText: MESH_INSTANCE });
  const second = instances.locator('tr').filter({ hasText: SDK_INSTANCE });
  await first.getByTestId('state').filter({ hasText: /^switched$/ }).waitFor(WAIT);
  assert.equal(await second.getByTestId('state').textContent(), 'pending');
  assert.match(await detail.getByTestId('state').first().textContent(), /running/);
  assert.match(await page.getByTestId('events').textContent(), new RegExp(MESH_INSTANCE.replace(/\./g, '\\.')));
  // what the sidecars saw of each instance in the last minute, from the platform's instance figures
  await first.getByTestId('seen-fromConsumers').waitFor(WAIT);
  assert.match(await first.getByTestId('seen-fromConsumers').textContent(), /^(no calls|\d+ calls?, [\d.]+ % errors)/);
  assert.match(await second.getByTestId('seen-ingress').textContent(), /^(no calls|\d+ calls?, [\d.]+ % errors)/);
  await shot('console-migration-detail');

  await page.getByTestId('migration-actions').getByRole('button', { name: 'Roll back' }).click();
  const confirm = page.locator('.ant-popconfirm').filter({ hasText: 'Roll back this migration?' });
  await (await settled(confirm)).getByRole('button', { name: 'Roll back' }).click();
  await detail.locator('.ant-card-head').getByTestId('state').filter({ hasText: /^rolled back$/ }).waitFor(WAIT);
  await first.getByTestId('state').filter({ hasText: /^rolled back$/ }).waitFor(WAIT);
  assert.equal(await page.getByTestId('migration-actions').count(), 0);

  await page.getByRole('link', { name: 'Back to migrations' }).click();
  const row = page.locator('.ant-table-row').filter({ hasText: MIGRATION });
  await row.waitFor(WAIT);
  assert.match(await row.textContent(), /rolled back.*e2e-orders.*sdk.*admin/);
  await shot('console-migrations');
});

test('the topology page says so when no call passed through a sidecar', async () => {
  await menu('Topology');
  await page.getByTestId('topology-empty').waitFor(WAIT);
  assert.equal(await page.getByTestId('not-available').count(), 0);
});

test('a viewer sees everything and no write action', async () => {
  await page.getByRole('button', { name: 'Log out' }).click();
  await login(VIEWER, VIEWER_PASSWORD);
  assert.equal(await page.getByTestId('current-role').textContent(), 'viewer');

  await menu('Services');
  await page.locator('.ant-table-row').filter({ hasText: '127.0.0.1:20880' }).waitFor(WAIT);
  assert.equal(await page.getByRole('button', { name: /Switch to/ }).count(), 0);

  await menu('Rules');
  await page.getByRole('link', { name: RULE }).click();
  await page.getByText('Version 3, written by admin').waitFor(WAIT);
  assert.ok(await label('Route 1 destination 1 weight').isDisabled());
  assert.equal(await page.getByRole('button', { name: 'Review and save' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: /Add|Remove/ }).count(), 0);
  await page.getByRole('tab', { name: 'History' }).click();
  await page.getByTestId('rule-history').locator('.ant-table-row').nth(2).waitFor(WAIT);
  assert.equal(await page.getByRole('button', { name: /Roll back/ }).count(), 0);
  await shot('console-viewer');

  await menu('Rules');
  await page.getByTestId('rules').waitFor(WAIT);
  assert.equal(await page.getByRole('button', { name: 'New rule' }).count(), 0);

  await menu('Migrations');
  await page.getByRole('link', { name: MIGRATION }).click();
  await page.getByTestId('plan-instances').locator('tr').filter({ hasText: MESH_INSTANCE }).waitFor(WAIT);
  assert.equal(await page.getByRole('button', { name: /Pause|Resume|Roll back|Start/ }).count(), 0);
  await page.getByRole('link', { name: 'Back to migrations' }).click();
  await page.getByTestId('migration-list').waitFor(WAIT);
  assert.equal(await page.getByRole('button', { name: 'New migration' }).count(), 0);
});

test('a page whose request fails keeps its layout and says why', async () => {
  // The one place a response is substituted: the embedded registry cannot be switched off under a running server.
  await page.route('**/api/v1/inventory/services', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ code: 'PLATFORM-0501', status: 503, message: 'the embedded registry is disabled' }),
    }),
  );
  await menu('Services');
  await page.getByRole('alert').filter({ hasText: 'runs without its embedded registry' }).waitFor(WAIT);
  assert.ok(await page.getByRole('menuitem', { name: 'Overview' }).isVisible());
  await page.unroute('**/api/v1/inventory/services');
});
