import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OverviewPage } from './OverviewPage';
import { fakeApi, type FakeAnswer } from '../test/fakeApi';
import { VIEWER, withSession } from '../test/session';

afterEach(() => vi.unstubAllGlobals());

const V1 = 'orders@127.0.0.2:8080';
const V2 = 'orders@127.0.0.3:8080';

const instance = (ip: string, version: string, nodeId: string | null) => ({
  ip,
  port: 8080,
  cluster: 'DEFAULT',
  healthy: true,
  enabled: true,
  ephemeral: true,
  mode: nodeId ? 'mesh' : 'sdk',
  metadata: { version },
  sidecar: nodeId ? { nodeId, upToDate: true } : null,
});

const INVENTORY = [
  {
    namespace: 'public',
    group: 'DEFAULT_GROUP',
    name: 'orders',
    instances: [instance('127.0.0.2', '1', V1), instance('127.0.0.3', '2', V2), instance('127.0.0.4', '3', null)],
    meshInstances: 2,
  },
];

const series = (...rps: number[]) => rps.map((r, i) => ({ at: 1_000_000 + i * 1000, rps: r, errorRate: 0, p99Millis: 12 }));

const entry = (service: string, rps: number[], direction?: string) => ({
  service,
  direction,
  requests: rps.reduce((a, b) => a + b, 0),
  rps: 1,
  errors: 0,
  errorRate: 0,
  p50Millis: 3,
  p99Millis: 12,
  series: series(...rps),
});

const SIDECARS = [
  { nodeId: V1, principal: 'sidecar:orders-1', node: {}, configDigest: 'aaaa', expectedDigest: 'aaaa', upToDate: true },
  {
    nodeId: V2,
    principal: 'sidecar:orders-2',
    node: {},
    configDigest: 'bbbbbbbbbbbbbbbb',
    expectedDigest: 'cccccccccccccccc',
    upToDate: false,
    lastNack: { code: 'SIDECAR-0043', message: 'routing/orders: mirror is not supported' },
  },
];

const plan = (id: string, state: string) => ({ id, name: `plan ${id}`, service: 'orders', targetMode: 'mesh', state });

const node = (nodeId: string) => `GET /api/v1/metrics/nodes/${encodeURIComponent(nodeId)}`;

function api(overrides: Record<string, FakeAnswer | ((url: string) => FakeAnswer)> = {}) {
  return fakeApi({
    'GET /api/v1/inventory/services': { status: 200, body: INVENTORY },
    'GET /api/v1/rules': { status: 200, body: [] },
    'GET /api/v1/push/sidecars': { status: 200, body: SIDECARS },
    'GET /api/v1/migrations': { status: 200, body: [plan('1', 'running'), plan('2', 'completed'), plan('3', 'paused')] },
    'GET /api/v1/metrics/services': { status: 200, body: [entry('orders', [10, 10, 10, 10]), entry('web', [10, 10, 10, 10])] },
    [node(V1)]: { status: 200, body: [entry('orders', [5, 5, 9, 9, 9], 'ingress'), entry('payments', [50], 'egress')] },
    [node(V2)]: { status: 200, body: [entry('orders', [5, 5, 1, 1, 1], 'ingress')] },
    ...overrides,
  });
}

const shares = async () => {
  const found = await screen.findAllByTestId('split-share');
  return Object.fromEntries(found.map((s) => [s.dataset.label, Number(s.dataset.share)]));
};

describe('OverviewPage traffic', () => {
  it('charts rate, errors and p99 per service and shows a 90/10 split between two versions', async () => {
    const calls = api();
    render(withSession(VIEWER, <OverviewPage />));
    expect(await screen.findByTestId('chart-Request rate')).toBeInTheDocument();
    expect(screen.getByTestId('chart-Error rate')).toBeInTheDocument();
    expect(screen.getByTestId('chart-p99 latency')).toBeInTheDocument();
    expect(screen.queryByTestId('no-traffic')).toBeNull();

    expect(await shares()).toEqual({ 'version=1 127.0.0.2:8080': 90, 'version=2 127.0.0.3:8080': 10 });
    expect(screen.getByTestId('traffic-split')).toHaveTextContent('74% of 50 requests over the window');
    // only the instances behind a sidecar are asked for
    expect(calls.filter((c) => c.url.startsWith('/api/v1/metrics/nodes/')).map((c) => c.url)).toEqual(
      expect.arrayContaining([
        '/api/v1/metrics/nodes/orders%40127.0.0.2%3A8080?window=60s',
        '/api/v1/metrics/nodes/orders%40127.0.0.3%3A8080?window=60s',
      ]),
    );
    expect(calls.some((c) => c.url.includes('127.0.0.4'))).toBe(false);
  });

  it('counts out-of-date sidecars, lists them on a click, and counts active migrations', async () => {
    api();
    render(withSession(VIEWER, <OverviewPage />));
    const stale = await screen.findByTestId('sidecars-out-of-date');
    await waitFor(() => expect(stale).toHaveTextContent('Sidecars out of date1/ 2'));
    await waitFor(() => expect(screen.getByTestId('active-migrations')).toHaveTextContent('Active migrations2'));
    fireEvent.click(stale);
    const dialog = await screen.findByRole('dialog');
    const list = within(dialog).getByTestId('stale-sidecars');
    expect(list).toHaveTextContent(V2);
    expect(list).toHaveTextContent('runs bbbbbbbbbbbb, should run cccccccccccc');
    expect(list).toHaveTextContent('last refusal SIDECAR-0043: routing/orders: mirror is not supported');
    expect(list).not.toHaveTextContent(V1);
  });

  it('says "no traffic through sidecars yet" instead of empty charts, and migrations not available on a 404', async () => {
    api({
      'GET /api/v1/metrics/services': { status: 200, body: [] },
      [node(V1)]: { status: 200, body: [] },
      [node(V2)]: { status: 404, body: { code: 'PLATFORM-0701', status: 404, message: 'no such sidecar' } },
      'GET /api/v1/migrations': { status: 404, body: { code: 'PLATFORM-0000', status: 404, message: 'not found' } },
    });
    render(withSession(VIEWER, <OverviewPage />));
    const empty = await screen.findAllByTestId('no-traffic');
    expect(empty[0]).toHaveTextContent('No traffic through sidecars yet');
    await waitFor(() =>
      expect(within(screen.getByTestId('traffic-split')).getByTestId('no-traffic')).toHaveTextContent(
        'No traffic through sidecars to orders yet',
      ),
    );
    await waitFor(() => expect(screen.getByTestId('active-migrations')).toHaveTextContent('—not available'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByTestId('chart-Request rate')).toBeNull();
  });

  it('shows a failed metrics request with a retry, keeping the rest of the page', async () => {
    let fail = true;
    api({
      'GET /api/v1/metrics/services': () =>
        fail
          ? { status: 503, body: { code: 'PLATFORM-0001', status: 503, message: 'metrics unavailable' } }
          : { status: 200, body: [entry('orders', [1, 2])] },
    });
    render(withSession(VIEWER, <OverviewPage refreshMillis={3_600_000} />));
    const alert = await within(screen.getByTestId('traffic')).findByRole('alert');
    expect(alert).toHaveTextContent('The server failed (PLATFORM-0001): metrics unavailable');
    expect(screen.getByText('Instances by mode')).toBeInTheDocument();
    expect(await shares()).toEqual({ 'version=1 127.0.0.2:8080': 90, 'version=2 127.0.0.3:8080': 10 });
    fail = false;
    fireEvent.click(within(alert).getByText('Try again'));
    expect(await screen.findByTestId('chart-Request rate')).toBeInTheDocument();
    expect(within(screen.getByTestId('traffic')).queryByRole('alert')).toBeNull();
  });

  it('asks for the chosen window and refreshes on its own', async () => {
    let round = 0;
    const calls = api({
      'GET /api/v1/metrics/services': () => {
        round++;
        return { status: 200, body: round < 2 ? [] : [entry('orders', [1, 2])] };
      },
    });
    render(withSession(VIEWER, <OverviewPage refreshMillis={50} />));
    await screen.findAllByTestId('no-traffic');
    expect(await screen.findByTestId('chart-Request rate')).toBeInTheDocument();
    fireEvent.click(screen.getByText('5m'));
    await waitFor(() => expect(calls.some((c) => c.url === '/api/v1/metrics/services?window=300s')).toBe(true));
    await waitFor(() =>
      expect(calls.some((c) => c.url === '/api/v1/metrics/nodes/orders%40127.0.0.2%3A8080?window=300s')).toBe(true),
    );
  });
});
