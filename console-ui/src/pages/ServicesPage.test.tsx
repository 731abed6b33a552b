import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServicesPage } from './ServicesPage';
import { fakeApi } from '../test/fakeApi';
import { VIEWER, withSession } from '../test/session';

afterEach(() => vi.unstubAllGlobals());

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

describe('ServicesPage', () => {
  it("shows each instance's sidecar version and config digest as its sidecar reports them", async () => {
    fakeApi({
      'GET /api/v1/inventory/services': {
        status: 200,
        body: [
          {
            namespace: 'public',
            group: 'DEFAULT_GROUP',
            name: 'orders',
            instances: [
              instance(8081, { nodeId: 'n1', version: '0.1.0', mode: 'mesh', configDigest: 'abcdef0123456789', upToDate: true }),
              instance(8082, { nodeId: 'n2', version: '0.1.0', mode: 'mesh', configDigest: '99990000', upToDate: false }),
              instance(8083, null),
            ],
          },
        ],
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
