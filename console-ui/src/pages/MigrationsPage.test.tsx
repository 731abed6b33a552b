import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MigrationsPage } from './MigrationsPage';
import { fakeApi } from '../test/fakeApi';
import { OPERATOR, VIEWER, withSession } from '../test/session';
import type { Plan } from '../api/migrations';
import type { Role } from '../api/types';

afterEach(() => vi.unstubAllGlobals());

const INVENTORY = [
  {
    namespace: 'public',
    group: 'DEFAULT_GROUP',
    name: 'orders',
    meshInstances: 0,
    instances: [8080, 8081].map((port) => ({
      ip: '127.0.0.2',
      port,
      cluster: 'DEFAULT',
      healthy: true,
      enabled: true,
      ephemeral: true,
      mode: 'sdk',
      metadata: {},
      sidecar: { nodeId: `orders@127.0.0.2:${port}`, mode: 'sdk', upToDate: true, desiredMode: null },
    })),
  },
];

function plan(state: Plan['state'], extra: Partial<Plan> = {}): Plan {
  return {
    id: 'm-1',
    name: 'orders to mesh',
    service: 'orders',
    namespace: 'public',
    group: 'DEFAULT_GROUP',
    targetMode: 'mesh',
    selector: { instances: ['127.0.0.2:8080', '127.0.0.2:8081'] },
    batchSize: 1,
    pauseSeconds: 10,
    thresholds: { maxErrorRate: 0.05, maxP99Millis: 1000, minRequests: 10 },
    onBreach: 'rollback',
    state,
    reason: null,
    currentBatch: 0,
    batches: [
      {
        index: 0,
        state: 'done',
        instances: [{ address: '127.0.0.2:8080', nodeId: 'n1', fromMode: 'sdk', state: 'switched' }],
        startedAt: 1,
        finishedAt: 2,
      },
      {
        index: 1,
        state: 'pending',
        instances: [{ address: '127.0.0.2:8081', nodeId: 'n2', fromMode: 'sdk', state: 'pending' }],
        startedAt: null,
        finishedAt: null,
      },
    ],
    events: [{ at: 1_700_000_000_000, message: 'batch 1 switched: 127.0.0.2:8080' }],
    createdBy: 'olga',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...extra,
  };
}

function page(path: string, roles: Role[] = OPERATOR) {
  return render(withSession(roles, <MigrationsPage />, path, '/migrations/*'));
}

// By id (Ant Design gives a form control its field name as id): role queries are slow on a loaded machine.
function control(name: string): HTMLElement {
  const element = document.getElementById(name);
  expect(element, `the control of field ${name}`).not.toBeNull();
  return element!;
}

/** The form item (label, control and its error messages) of field `name`. */
function field(name: string): HTMLElement {
  return control(name).closest('.ant-form-item') as HTMLElement;
}

const button = (text: string) => screen.getByText(text, { selector: 'button span' }).closest('button')!;

async function pick(name: string, option: string) {
  fireEvent.mouseDown(control(name));
  const item = await waitFor(() => {
    const found = [...document.querySelectorAll<HTMLElement>('.ant-select-item-option')].find(
      (o) => o.getAttribute('title') === option,
    );
    expect(found).toBeDefined();
    return found!;
  });
  fireEvent.click(item);
}

const set = (name: string, value: string) => fireEvent.change(control(name), { target: { value } });

describe('MigrationsPage', () => {
  it('lists the plans with state and progress; a viewer gets no "New migration"', async () => {
    fakeApi({ 'GET /api/v1/migrations': { status: 200, body: [plan('paused')] } });
    page('/migrations', VIEWER);
    const row = (await screen.findByText('orders to mesh', { selector: 'a' })).closest('tr')!;
    expect(within(row).getByTestId('state')).toHaveTextContent('paused');
    expect(within(row).getByTestId('progress')).toHaveTextContent('1 / 2 batches');
    expect(within(row).getByText('olga')).toBeInTheDocument();
    expect(screen.queryByText('New migration')).toBeNull();
  });

  it('checks the form before sending: required fields and ranges, next to each field', async () => {
    const calls = fakeApi({ 'GET /api/v1/inventory/services': { status: 200, body: INVENTORY } });
    page('/migrations/new');
    await screen.findByText('New migration');
    set('batchSize', '0');
    set('pauseSeconds', '3601');
    set('maxErrorRatePercent', '101');
    fireEvent.click(button('Create migration'));
    await waitFor(() => expect(field('service')).toHaveTextContent('Choose the service to migrate'));
    expect(field('instances')).toHaveTextContent('Pick at least one instance');
    expect(field('batchSize')).toHaveTextContent('From 1 to 1000 instances per batch');
    expect(field('pauseSeconds')).toHaveTextContent('From 0 to 3600 seconds');
    expect(field('maxErrorRatePercent')).toHaveTextContent('From 0 to 100 %');

    fireEvent.click(screen.getByLabelText('By percentage'));
    set('percentage', '0');
    fireEvent.click(button('Create migration'));
    await waitFor(() => expect(field('percentage')).toHaveTextContent('Give a whole percentage from 1 to 100'));
    fireEvent.click(screen.getByLabelText('By label'));
    set('labels', 'zone');
    fireEvent.click(button('Create migration'));
    await waitFor(() => expect(field('labels')).toHaveTextContent("'zone' is not key=value"));
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('sends the plan and opens it; the instances are offered with their current mode', async () => {
    const calls = fakeApi({
      'GET /api/v1/inventory/services': { status: 200, body: INVENTORY },
      'POST /api/v1/migrations': { status: 201, body: plan('running') },
      'GET /api/v1/migrations/m-1': { status: 200, body: plan('completed') },
    });
    page('/migrations/new');
    await screen.findByText('New migration');
    await pick('service', 'orders (2 instances)');
    await pick('instances', '127.0.0.2:8080 (now sdk)');
    await pick('instances', '127.0.0.2:8081 (now sdk)');
    set('pauseSeconds', '10');
    set('maxErrorRatePercent', '5');
    fireEvent.click(button('Create migration'));
    expect(await screen.findByTestId('migration-detail')).toBeInTheDocument();
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({
      name: 'orders to mesh',
      service: 'orders',
      namespace: 'public',
      group: 'DEFAULT_GROUP',
      targetMode: 'mesh',
      selector: { instances: ['127.0.0.2:8080', '127.0.0.2:8081'] },
      batchSize: 1,
      pauseSeconds: 10,
      thresholds: { maxErrorRate: 0.05, maxP99Millis: 1000, minRequests: 10 },
      onBreach: 'rollback',
      start: true,
    });
  });

  it("shows the server's field errors next to the fields they concern", async () => {
    const calls = fakeApi({
      'GET /api/v1/inventory/services': { status: 200, body: INVENTORY },
      'POST /api/v1/migrations': {
        status: 400,
        body: {
          code: 'PLATFORM-0603',
          status: 400,
          message: 'the migration plan is invalid: 3 problems',
          errors: [
            { code: 'PLATFORM-0603', path: '$.batchSize', message: 'is larger than the 2 selected instances' },
            { code: 'PLATFORM-0603', path: '$.selector', message: '127.0.0.2:8081 is already in mesh mode' },
            { code: 'PLATFORM-0603', path: '$.thresholds.maxErrorRate', message: 'must be below 1' },
          ],
        },
      },
    });
    page('/migrations/new');
    await screen.findByText('New migration');
    await pick('service', 'orders (2 instances)');
    await pick('instances', '127.0.0.2:8081 (now sdk)');
    fireEvent.click(button('Create migration'));
    await waitFor(() => expect(calls.map((c) => c.method + ' ' + c.url)).toContain('POST /api/v1/migrations'));
    await waitFor(() => expect(field('batchSize')).toHaveTextContent('is larger than the 2 selected instances'));
    expect(field('instances')).toHaveTextContent('127.0.0.2:8081 is already in mesh mode');
    expect(field('maxErrorRatePercent')).toHaveTextContent('must be below 1');
    expect(document.querySelector('[role=alert]')).toHaveTextContent('The migration plan is invalid: 3 problems');
  });

  it('offers an operator Pause and Roll back on a running plan; Roll back asks first', async () => {
    const rolledBack = plan('rolled_back', { reason: 'rolled back by olga' });
    const calls = fakeApi({
      'GET /api/v1/migrations/m-1': () => ({
        status: 200,
        body: calls.some((c) => c.method === 'POST') ? rolledBack : plan('running'),
      }),
      'POST /api/v1/migrations/m-1/rollback': {
        status: 200,
        body: rolledBack,
      },
    });
    page('/migrations/m-1');
    const actions = await screen.findByTestId('migration-actions');
    expect(within(actions).getAllByRole('button').map((b) => b.textContent)).toEqual(['Pause', 'Roll back']);
    expect(screen.getByTestId('batches')).toHaveTextContent('Batch 1');
    expect(screen.getByTestId('events')).toHaveTextContent('batch 1 switched: 127.0.0.2:8080');
    fireEvent.click(within(actions).getByRole('button', { name: 'Roll back' }));
    expect(await screen.findByText('Roll back this migration?')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    const confirm = screen
      .getAllByText('Roll back', { selector: 'button span' })
      .map((b) => b.closest('button')!)
      .find((b) => !actions.contains(b))!;
    fireEvent.click(confirm);
    expect(await screen.findByTestId('migration-reason')).toHaveTextContent('Rolled back: rolled back by olga');
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/migrations/m-1/rollback']);
    expect(screen.queryByTestId('migration-actions')).toBeNull();
  });

  it('offers Resume on a paused plan, says why it paused, and shows a refusal in plain words', async () => {
    fakeApi({
      'GET /api/v1/migrations/m-1': { status: 200, body: plan('paused', { reason: 'error rate 12 % above 5 %' }) },
      'POST /api/v1/migrations/m-1/resume': {
        status: 409,
        body: { code: 'PLATFORM-0605', status: 409, message: 'the migration is rolling back; it cannot resume' },
      },
    });
    page('/migrations/m-1');
    const actions = await screen.findByTestId('migration-actions');
    expect(within(actions).getAllByRole('button').map((b) => b.textContent)).toEqual(['Resume', 'Roll back']);
    expect(screen.getByTestId('migration-reason')).toHaveTextContent('Paused: error rate 12 % above 5 %');
    fireEvent.click(within(actions).getByRole('button', { name: 'Resume' }));
    expect(await screen.findByText('The migration is rolling back; it cannot resume')).toBeInTheDocument();
  });

  it("shows what the sidecars saw of each instance, found by its sidecar after its address changed", async () => {
    const seen = (requests: number, errors: number, p99Millis: number) => ({
      requests,
      errors,
      errorRate: requests ? errors / requests : 0,
      p99Millis,
    });
    const calls = fakeApi({
      'GET /api/v1/migrations/m-1': { status: 200, body: plan('running', { targetMode: 'sdk' }) },
      'GET /api/v1/metrics/instances': {
        status: 200,
        body: [
          // n1 switched: the registry now lists it at another address
          { address: '127.0.0.2:9999', nodeId: 'n1', mode: 'sdk', ingress: seen(0, 0, 0), fromConsumers: seen(40, 20, 3.25) },
          { address: '127.0.0.2:8081', nodeId: 'n2', mode: 'mesh', ingress: seen(1, 0, 12.4), fromConsumers: seen(0, 0, 0) },
        ],
      },
    });
    page('/migrations/m-1', VIEWER);
    const table = await screen.findByTestId('plan-instances');
    await waitFor(() => expect(within(table).getAllByTestId('seen-fromConsumers')).toHaveLength(2));
    const rows = within(table).getAllByRole('row').slice(1);
    expect(within(rows[0]).getByTestId('seen-fromConsumers')).toHaveTextContent('40 calls, 50 % errors, p99 3.3 ms');
    expect(within(rows[0]).getByTestId('seen-fromConsumers')).toHaveClass('ant-typography-danger');
    expect(within(rows[0]).getByTestId('seen-ingress')).toHaveTextContent('no calls');
    expect(within(rows[1]).getByTestId('seen-ingress')).toHaveTextContent('1 call, 0 % errors, p99 12 ms');
    const asked = calls.find((c) => c.url.startsWith('/api/v1/metrics/instances'))!;
    expect(new URL(asked.url, 'http://x').searchParams.get('service')).toBe('orders');
    expect(new URL(asked.url, 'http://x').searchParams.get('window')).toBe('60s');
  });

  it('offers a viewer no action on a plan', async () => {
    fakeApi({ 'GET /api/v1/migrations/m-1': { status: 200, body: plan('running') } });
    page('/migrations/m-1', VIEWER);
    expect(await screen.findByTestId('batches')).toBeInTheDocument();
    expect(screen.queryByTestId('migration-actions')).toBeNull();
    expect(screen.queryByText(/^(Pause|Resume|Roll back)$/, { selector: 'button span' })).toBeNull();
  });

  it('says so in place when the plan cannot be read', async () => {
    fakeApi({
      'GET /api/v1/migrations/nope': {
        status: 404,
        body: { code: 'PLATFORM-0604', status: 404, message: 'no migration nope' },
      },
    });
    page('/migrations/nope');
    await waitFor(() => expect(document.querySelector('[role=alert]')).toHaveTextContent('There is no such migration'));
    expect(screen.getByText('Back to migrations').closest('a')).toHaveAttribute('href', '/migrations');
  });
});
