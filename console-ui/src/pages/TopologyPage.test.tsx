import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TopologyPage } from './TopologyPage';
import { fakeApi } from '../test/fakeApi';
import { VIEWER, withSession } from '../test/session';
import { ERROR_COLOURS } from '../topology/style';

afterEach(() => vi.unstubAllGlobals());

const TOPOLOGY = {
  nodes: [
    { id: 'web', mesh: 1, sdk: 0 },
    { id: 'orders', mesh: 1, sdk: 1 },
    { id: 'payments', mesh: 0, sdk: 2 },
  ],
  edges: [
    { source: 'web', target: 'orders', rps: 42, errorRate: 0, p99Millis: 12 },
    { source: 'orders', target: 'payments', rps: 3.5, errorRate: 0.2, p99Millis: 250 },
  ],
};

describe('TopologyPage', () => {
  it('draws each service and each call, coloured by errors, with the figures on hover', async () => {
    const calls = fakeApi({ 'GET /api/v1/topology': { status: 200, body: TOPOLOGY } });
    render(withSession(VIEWER, <TopologyPage />));
    const call = await screen.findByTestId('edge:web->orders');
    expect(screen.getByTestId('node:web')).toHaveAttribute('aria-label', 'web: 1 mesh, 0 SDK instances');
    expect(screen.getByTestId('node:orders')).toHaveTextContent('50%');
    const failing = screen.getByTestId('edge:orders->payments');
    expect(failing.querySelector('.edge-line')).toHaveAttribute('stroke', ERROR_COLOURS.bad);
    expect(call.querySelector('.edge-line')).toHaveAttribute('stroke', ERROR_COLOURS.ok);
    expect(Number(call.querySelector('.edge-line')!.getAttribute('stroke-width'))).toBeGreaterThan(
      Number(failing.querySelector('.edge-line')!.getAttribute('stroke-width')),
    );

    fireEvent.mouseEnter(failing);
    const tip = await screen.findByRole('tooltip');
    expect(tip).toHaveTextContent('orders → payments');
    expect(tip).toHaveTextContent('3.5 req/s');
    expect(tip).toHaveTextContent('20% errors');
    expect(tip).toHaveTextContent('p99 250 ms');
    fireEvent.mouseLeave(failing);
    await waitFor(() => expect(screen.queryByRole('tooltip')).toBeNull());
    expect(calls[0].url).toBe('/api/v1/topology?window=60s');
  });

  it('asks for the window the user picks', async () => {
    const calls = fakeApi({ 'GET /api/v1/topology': { status: 200, body: TOPOLOGY } });
    render(withSession(VIEWER, <TopologyPage />));
    await screen.findByTestId('edge:web->orders');
    fireEvent.click(screen.getByText('10m'));
    await waitFor(() => expect(calls.at(-1)!.url).toBe('/api/v1/topology?window=600s'));
  });

  it('says plainly when no call went through a sidecar', async () => {
    fakeApi({ 'GET /api/v1/topology': { status: 200, body: { nodes: [], edges: [] } } });
    render(withSession(VIEWER, <TopologyPage />));
    expect(await screen.findByTestId('topology-empty')).toHaveTextContent('No calls through sidecars in this window yet');
  });

  it('shows a failure with a retry that recovers', async () => {
    let fail = true;
    fakeApi({
      'GET /api/v1/topology': () =>
        fail
          ? { status: 500, body: { code: 'PLATFORM-0001', status: 500, message: 'metrics store unavailable' } }
          : { status: 200, body: TOPOLOGY },
    });
    render(withSession(VIEWER, <TopologyPage refreshMillis={3_600_000} />));
    expect(await screen.findByRole('alert')).toHaveTextContent('The server failed (PLATFORM-0001): metrics store unavailable');
    expect(screen.getByTestId('topology')).toHaveTextContent('Service-to-service calls through sidecars');
    fail = false;
    fireEvent.click(screen.getByText('Try again'));
    await screen.findByTestId('edge:web->orders');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('refreshes on its own', async () => {
    let answers = 0;
    fakeApi({
      'GET /api/v1/topology': () => {
        answers++;
        return { status: 200, body: answers < 2 ? { nodes: [], edges: [] } : TOPOLOGY };
      },
    });
    render(withSession(VIEWER, <TopologyPage refreshMillis={50} />));
    await screen.findByTestId('topology-empty');
    await screen.findByTestId('edge:web->orders');
  });
});
