import { describe, expect, it } from 'vitest';
import {
  describeSeen,
  seenOf,
  activeMigrations,
  chartRows,
  ingressOf,
  noTraffic,
  outOfDate,
  splitCandidates,
  splitMembers,
  splitShares,
  type ServiceTraffic,
  type TrafficPoint,
} from './traffic';
import type { InstanceView, ServiceView } from './types';

const point = (at: number, rps: number, errorRate = 0, p99Millis = 10): TrafficPoint => ({ at, rps, errorRate, p99Millis });

const traffic = (service: string, series: TrafficPoint[], extra: Partial<ServiceTraffic> = {}): ServiceTraffic => ({
  service,
  requests: series.reduce((n, p) => n + p.rps, 0),
  rps: 0,
  errors: 0,
  errorRate: 0,
  p50Millis: 0,
  p99Millis: 0,
  series,
  ...extra,
});

const instance = (port: number, nodeId: string | null, version?: string): InstanceView => ({
  ip: '127.0.0.2',
  port,
  cluster: 'DEFAULT',
  healthy: true,
  enabled: true,
  ephemeral: true,
  mode: nodeId ? 'mesh' : 'sdk',
  metadata: version ? { version } : {},
  sidecar: nodeId ? { nodeId, upToDate: true } : null,
});

const service = (name: string, instances: InstanceView[]): ServiceView => ({
  namespace: 'public',
  group: 'DEFAULT_GROUP',
  name,
  instances,
  meshInstances: instances.filter((i) => i.mode === 'mesh').length,
});

describe('chartRows', () => {
  const orders = traffic('orders', [point(2000, 10, 0.1, 30), point(1000, 5, 0, 20)]);
  const billing = traffic('billing', [point(2000, 2, 0.5, 80), point(3000, 4, 0.25, 90)]);

  it('merges the services’ series into one row per time, oldest first', () => {
    expect(chartRows([orders, billing], 'rps')).toEqual([
      { at: 1000, values: { orders: 5, billing: 0 } },
      { at: 2000, values: { orders: 10, billing: 2 } },
      { at: 3000, values: { orders: 0, billing: 4 } },
    ]);
  });

  it('gives error rates in percent and no latency where a service had no call', () => {
    expect(chartRows([orders, billing], 'errorRate').map((r) => r.values)).toEqual([
      { orders: 0, billing: 0 },
      { orders: 10, billing: 50 },
      { orders: 0, billing: 25 },
    ]);
    expect(chartRows([orders, billing], 'p99Millis').map((r) => r.values)).toEqual([
      { orders: 20, billing: null },
      { orders: 30, billing: 80 },
      { orders: null, billing: 90 },
    ]);
  });

  it('has no rows without points, and says so', () => {
    expect(chartRows([traffic('orders', [])], 'rps')).toEqual([]);
    expect(noTraffic([traffic('orders', [])])).toBe(true);
    expect(noTraffic([])).toBe(true);
    expect(noTraffic([orders])).toBe(false);
  });
});

describe('splitShares', () => {
  // v1 gets half, then 90 %: what a weighted route 90/10 does to round-robin traffic
  const v1 = traffic('orders', [point(1000, 5), point(2000, 5), point(3000, 9), point(4000, 18), point(5000, 9)]);
  const v2 = traffic('orders', [point(1000, 5), point(2000, 5), point(3000, 1), point(4000, 2), point(5000, 1)]);

  it('shares each time’s requests among the instances, adding up to 100', () => {
    const split = splitShares([
      { label: 'v1', traffic: v1 },
      { label: 'v2', traffic: v2 },
    ]);
    expect(split.rows.map((r) => r.shares)).toEqual([
      { v1: 50, v2: 50 },
      { v1: 50, v2: 50 },
      { v1: 90, v2: 10 },
      { v1: 90, v2: 10 },
      { v1: 90, v2: 10 },
    ]);
  });

  it('gives the recent share (what the route does now) and the window share', () => {
    const split = splitShares([
      { label: 'v1', traffic: v1 },
      { label: 'v2', traffic: v2 },
    ]);
    expect(split.requests).toBe(60);
    expect(split.shares).toEqual([
      { label: 'v1', requests: 46, windowShare: 76.7, recentShare: 90 },
      { label: 'v2', requests: 14, windowShare: 23.3, recentShare: 10 },
    ]);
  });

  it('leaves a time nobody had traffic empty, and an instance without a report at 0', () => {
    const split = splitShares([
      { label: 'a', traffic: traffic('orders', [point(1000, 0), point(2000, 4)]) },
      { label: 'b', traffic: undefined },
    ]);
    expect(split.rows).toEqual([
      { at: 1000, shares: { a: null, b: null } },
      { at: 2000, shares: { a: 100, b: 0 } },
    ]);
    expect(split.shares.map((s) => s.recentShare)).toEqual([100, 0]);
  });

  it('is all zero without traffic', () => {
    const split = splitShares([{ label: 'a', traffic: undefined }]);
    expect(split).toEqual({ rows: [], shares: [{ label: 'a', requests: 0, windowShare: 0, recentShare: 0 }], requests: 0 });
  });
});

describe('split members', () => {
  const orders = service('orders', [instance(8080, 'orders@a', '1'), instance(8081, null, '2'), instance(8082, 'orders@c')]);
  const billing = service('billing', [instance(9090, 'billing@a')]);
  const sdkOnly = service('sdk-only', [instance(7070, null)]);

  it('are the instances with a sidecar, labelled by version and address', () => {
    expect(splitMembers(orders)).toEqual([
      { label: 'version=1 127.0.0.2:8080', nodeId: 'orders@a', address: '127.0.0.2:8080' },
      { label: '127.0.0.2:8082', nodeId: 'orders@c', address: '127.0.0.2:8082' },
    ]);
  });

  it('offers the services with sidecars, the most first', () => {
    expect(splitCandidates([sdkOnly, billing, orders]).map((s) => s.name)).toEqual(['orders', 'billing']);
  });

  it("reads a node's ingress entry of the service, not its egress calls", () => {
    const entries = [
      traffic('orders', [point(1, 1)], { direction: 'egress' }),
      traffic('orders', [point(1, 7)], { direction: 'ingress' }),
      traffic('billing', [point(1, 3)], { direction: 'egress' }),
    ];
    expect(ingressOf(entries, 'orders')?.series[0].rps).toBe(7);
    expect(ingressOf(entries, 'billing')).toBeUndefined();
    expect(ingressOf([traffic('orders', [point(1, 2)])], 'orders')?.series[0].rps).toBe(2);
  });
});

describe('fleet statistics', () => {
  it('counts running, paused and rolling-back migrations as active', () => {
    const plan = (id: string, state: string) => ({ id, name: id, service: 'orders', targetMode: 'mesh', state });
    const plans = ['pending', 'running', 'paused', 'completed', 'rolling_back', 'rolled_back', 'failed'].map((s) =>
      plan(s, s),
    );
    expect(activeMigrations(plans).map((p) => p.state)).toEqual(['running', 'paused', 'rolling_back']);
  });

  it('lists the sidecars that are not up to date', () => {
    const sidecar = (nodeId: string, upToDate: boolean) => ({ nodeId, principal: 'sidecar:x', node: {}, upToDate });
    expect(outOfDate([sidecar('a', true), sidecar('b', false)]).map((s) => s.nodeId)).toEqual(['b']);
  });
});

describe('instance figures', () => {
  const none = { requests: 0, errors: 0, errorRate: 0, p99Millis: 0 };
  const rows = [
    { address: '10.0.0.1:9000', nodeId: 'a', mode: 'mesh', ingress: none, fromConsumers: none },
    { address: '10.0.0.2:8080', nodeId: null, mode: 'sdk', ingress: none, fromConsumers: none },
  ];

  it('finds an instance by its sidecar first, then by its address', () => {
    expect(seenOf(rows, { address: '10.0.0.1:8080', nodeId: 'a' })).toBe(rows[0]);
    expect(seenOf(rows, { address: '10.0.0.2:8080', nodeId: 'gone' })).toBe(rows[1]);
    expect(seenOf(rows, { address: '10.0.0.3:8080' })).toBeUndefined();
    expect(seenOf(undefined, { address: '10.0.0.1:9000' })).toBeUndefined();
  });

  it('says calls, error percent and p99, or that there were none', () => {
    expect(describeSeen({ requests: 3, errors: 1, errorRate: 1 / 3, p99Millis: 250.4 })).toBe(
      '3 calls, 33.3 % errors, p99 250 ms',
    );
    expect(describeSeen(none)).toBe('no calls');
    expect(describeSeen(undefined)).toBe('no calls');
  });
});
