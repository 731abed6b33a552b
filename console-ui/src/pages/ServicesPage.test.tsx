import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServicesPage } from './ServicesPage';
import { forgetInstanceTraffic } from './InstanceTrafficCell';
import { fakeApi } from '../test/fakeApi';
import { OPERATOR, VIEWER, withSession } from '../test/session';

afterEach(() => {
  vi.unstubAllGlobals();
  forgetInstanceTraffic();
});

const instance = (port: number, sidecar: unknown) => ({
  ip: '127.0.0.1',
  port,
  cluster: 'DEFAULT',
  healthy: true,
  enabled: true,
  ephemeral: true,
  mode: sidecar ? 'mesh' : 'sdk',
  protocol: 'http',
  metadata: {},
  sidecar,
});

const inventory = (instances: unknown[]) => [
  { namespace: 'public', group: 'DEFAULT_GROUP', name: 'orders', meshInstances: 0, instances },
];

describe('ServicesPage', () => {
  it("shows each instance's sidecar version and config digest as its sidecar reports them", async () => {
    fakeApi({
      'GET /api/v1/inventory/services': {
        status: 200,
        body: inventory([
          instance(8081, { nodeId: 'n1', version: '0.1.0', mode: 'mesh', configDigest: 'abcdef0123456789', upToDate: true }),
          instance(8082, { nodeId: 'n2', version: '0.1.0', mode: 'mesh', configDigest: '99990000', upToDate: false }),
          instance(8083, null),
        ]),
      },
    });
    render(withSession(VIEWER, <ServicesPage />));
    const reports = await screen.findAllByTestId('sidecar-report');
    expect(reports).toHaveLength(2);
    expect(within(reports[0]).getByText('abcdef012345')).toBeInTheDocument();
    expect(within(reports[0]).getByText('up to date')).toBeInTheDocument();
    expect(within(reports[1]).getByText('out of date')).toBeInTheDocument();
    expect(screen.getByText('not reported')).toBeInTheDocument();
  });
});

describe('ServicesPage traffic', () => {
  const seen = (requests: number, errors: number, p99Millis: number) => ({
    requests,
    errors,
    errorRate: requests ? errors / requests : 0,
    p99Millis,
  });

  it('shows what the sidecars saw of each instance in the last minute, with one request per service', async () => {
    const calls = fakeApi({
      'GET /api/v1/inventory/services': {
        status: 200,
        body: inventory([instance(8081, { nodeId: 'n1', mode: 'mesh', upToDate: true }), instance(8082, null), instance(8083, null)]),
      },
      'GET /api/v1/metrics/instances': {
        status: 200,
        body: [
          { address: '127.0.0.1:8081', nodeId: 'n1', mode: 'mesh', ingress: seen(120, 3, 12.4), fromConsumers: seen(80, 0, 2.25) },
          { address: '127.0.0.1:8082', nodeId: null, mode: 'sdk', ingress: seen(0, 0, 0), fromConsumers: seen(1, 0, 4) },
        ],
      },
    });
    render(withSession(VIEWER, <ServicesPage />));
    const row = async (port: number) => (await screen.findByText(`127.0.0.1:${port}`)).closest('tr')!;
    const mesh = await row(8081);
    await waitFor(() => expect(within(mesh).getByTestId('traffic-ingress')).toBeInTheDocument());
    expect(within(mesh).getByTestId('traffic-ingress')).toHaveTextContent('through its sidecar: 120 calls, 2.5 % errors, p99 12 ms');
    expect(within(mesh).getByTestId('traffic-ingress')).toHaveClass('ant-typography-danger');
    expect(within(mesh).getByTestId('traffic-fromConsumers')).toHaveTextContent("from consumers' sidecars: 80 calls, 0 % errors, p99 2.3 ms");
    const sdk = await row(8082);
    // no sidecar reports it: nothing can pass in through one
    expect(within(sdk).getByTestId('traffic-ingress')).toHaveTextContent('through its sidecar: no sidecar');
    expect(within(sdk).getByTestId('traffic-fromConsumers')).toHaveTextContent('1 call, 0 % errors, p99 4 ms');
    // an instance the figures do not list
    expect(within(await row(8083)).getByTestId('instance-traffic-none')).toHaveTextContent('—');

    const asked = calls.filter((c) => c.url.startsWith('/api/v1/metrics/instances'));
    expect(asked).toHaveLength(1);
    const query = new URL(asked[0].url, 'http://x').searchParams;
    expect([query.get('service'), query.get('namespace'), query.get('group'), query.get('window')]).toEqual([
      'orders',
      'public',
      'DEFAULT_GROUP',
      '60s',
    ]);
  });

  it('says the figures are not available when the platform cannot give them, and still lists the instances', async () => {
    fakeApi({
      'GET /api/v1/inventory/services': { status: 200, body: inventory([instance(8081, null)]) },
      'GET /api/v1/metrics/instances': {
        status: 503,
        body: { code: 'PLATFORM-0501', status: 503, message: 'traffic metrics are not available' },
      },
    });
    render(withSession(VIEWER, <ServicesPage />));
    const row = (await screen.findByText('127.0.0.1:8081')).closest('tr')!;
    await waitFor(() => expect(within(row).getByTestId('instance-traffic-none')).toHaveTextContent('not available'));
    expect(row).toHaveTextContent('sdk');
  });
});

const sidecar = (mode: string, desiredMode: string | null) => ({
  nodeId: 'orders@127.0.0.1',
  version: '0.1.0',
  mode,
  configDigest: 'abc',
  upToDate: true,
  desiredMode,
});

const sdkWithSidecar = (desired: string | null, reported = 'sdk') => ({
  ...instance(8081, null),
  mode: 'sdk',
  sidecar: sidecar(reported, desired),
});

const MODE_PATH = '/api/v1/inventory/instances/127.0.0.1:8081/mode';

const button = (text: string) => screen.getByText(text, { selector: 'button span' }).closest('button')!;

describe('ServicesPage mode switch', () => {
  it('switches an instance after confirmation and shows "switching" until its sidecar reports the new mode', async () => {
    let reads = 0;
    const calls = fakeApi({
      'GET /api/v1/inventory/services': () => {
        reads++;
        const put = calls.some((c) => c.method === 'PUT');
        // after the switch is asked for: one read with the sidecar still in SDK, then the sidecar reports mesh
        const answer = !put ? sdkWithSidecar(null) : reads < 4 ? sdkWithSidecar('mesh') : sdkWithSidecar('mesh', 'mesh');
        return { status: 200, body: inventory([answer, instance(8083, null)]) };
      },
      [`PUT ${MODE_PATH}`]: {
        status: 202,
        body: { nodeId: 'orders@127.0.0.1', instance: '127.0.0.1:8081', desiredMode: 'mesh', reportedMode: 'sdk' },
      },
    });
    render(withSession(OPERATOR, <ServicesPage />));
    await screen.findByText('Switch to mesh', { selector: 'button span' });
    // the instance without a sidecar offers no switch
    expect(screen.getAllByText(/^Switch to/, { selector: 'button span' })).toHaveLength(1);
    expect(screen.getByText('no sidecar')).toBeInTheDocument();

    fireEvent.click(button('Switch to mesh'));
    expect(await screen.findByText('Switch 127.0.0.1:8081 (orders) to mesh?')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
    fireEvent.click(button('Switch'));

    expect(await screen.findByTestId('switching')).toHaveTextContent('switching to mesh…');
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({ mode: 'mesh' });
    // polled until the sidecar reports mesh: then the switch back is offered
    await screen.findByText('Switch to SDK', { selector: 'button span' });
    expect(screen.queryByTestId('switching')).toBeNull();
    expect(screen.getByTestId('sidecar-mode')).toHaveTextContent('sidecar: mesh');
    expect(reads).toBeGreaterThanOrEqual(4);
  });

  it('says in place, in plain words, why a switch was refused', async () => {
    fakeApi({
      'GET /api/v1/inventory/services': { status: 200, body: inventory([sdkWithSidecar(null)]) },
      [`PUT ${MODE_PATH}`]: {
        status: 409,
        body: { code: 'PLATFORM-0602', status: 409, message: 'no connected sidecar reports 127.0.0.1:8081' },
      },
    });
    render(withSession(OPERATOR, <ServicesPage />));
    await screen.findByText('Switch to mesh', { selector: 'button span' });
    fireEvent.click(button('Switch to mesh'));
    await screen.findByText('Switch 127.0.0.1:8081 (orders) to mesh?');
    fireEvent.click(button('Switch'));
    const error = await screen.findByTestId('switch-error');
    expect(error).toHaveTextContent('No sidecar is connected for this instance');
    expect(error.closest('tr')).toHaveTextContent('127.0.0.1:8081');
    expect(screen.queryByTestId('switching')).toBeNull();
  });

  it('shows a pending switch to a viewer but offers no switch', async () => {
    fakeApi({ 'GET /api/v1/inventory/services': { status: 200, body: inventory([sdkWithSidecar('mesh')]) } });
    render(withSession(VIEWER, <ServicesPage />));
    expect(await screen.findByTestId('switching')).toHaveTextContent('switching to mesh…');
    expect(screen.queryByText(/^Switch to/, { selector: 'button span' })).toBeNull();
  });
});
