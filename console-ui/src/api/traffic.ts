import { ApiError, get } from './client';
import type { InstanceView, ServiceView } from './types';

/** Shapes of the traffic metrics API (/api/v1/metrics, /api/v1/topology): calls seen by the sidecars. */

export interface TrafficPoint {
  /** the start of the bucket, epoch millis */
  at: number;
  rps: number;
  /** errors / requests in the bucket, 0..1 */
  errorRate: number;
  p99Millis: number;
}

export interface ServiceTraffic {
  service: string;
  /** ingress or egress; only on a node's entries, and only when the server says */
  direction?: string;
  requests: number;
  rps: number;
  errors: number;
  errorRate: number;
  p50Millis: number;
  p99Millis: number;
  series: TrafficPoint[];
}

export interface TopologyNode {
  id: string;
  /** instances of the service in mesh mode */
  mesh: number;
  /** instances of the service in SDK mode */
  sdk: number;
}

export interface TopologyEdge {
  source: string;
  target: string;
  rps: number;
  errorRate: number;
  p99Millis: number;
}

export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

/** A connected sidecar as GET /api/v1/push/sidecars shows it (the fields the console reads). */
export interface SidecarStatus {
  nodeId: string;
  principal: string;
  node: Record<string, string>;
  configDigest?: string | null;
  expectedDigest?: string | null;
  upToDate: boolean;
  lastNack?: { code?: string; message?: string } | null;
}

/** A migration plan as GET /api/v1/migrations lists it (the fields the overview reads). */
export interface MigrationSummary {
  id: string;
  name: string;
  service: string;
  targetMode: string;
  state: string;
}

/** The windows the console offers; the server takes any `<n>s`. */
export const WINDOWS = [
  { label: '1m', value: '60s' },
  { label: '5m', value: '300s' },
  { label: '10m', value: '600s' },
] as const;

export type TrafficWindow = (typeof WINDOWS)[number]['value'];

export const ACTIVE_MIGRATION_STATES = ['running', 'paused', 'rolling_back'];

export function serviceTraffic(window: TrafficWindow): Promise<ServiceTraffic[]> {
  return get<ServiceTraffic[]>(`/api/v1/metrics/services?window=${window}`);
}

/** One sidecar's entries; a sidecar the server no longer knows (404) has none. */
export async function nodeTraffic(nodeId: string, window: TrafficWindow): Promise<ServiceTraffic[]> {
  try {
    return await get<ServiceTraffic[]>(`/api/v1/metrics/nodes/${encodeURIComponent(nodeId)}?window=${window}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      return [];
    }
    throw e;
  }
}

/** Calls seen of one instance in a window (GET /api/v1/metrics/instances). */
export interface Seen {
  requests: number;
  errors: number;
  /** errors / requests, 0..1 */
  errorRate: number;
  p99Millis: number;
}

/** What the sidecars saw of one registered instance: through its own sidecar, and from the consumers' sidecars. */
export interface InstanceTraffic {
  address: string;
  nodeId?: string | null;
  mode: string;
  ingress: Seen;
  fromConsumers: Seen;
}

/** Each registered instance of a service with what the sidecars saw of it; a service without instances (404) has none. */
export async function instanceTraffic(
  service: string,
  namespace: string,
  group: string,
  window: TrafficWindow,
): Promise<InstanceTraffic[]> {
  const query = new URLSearchParams({ service, namespace, group, window });
  try {
    return await get<InstanceTraffic[]>(`/api/v1/metrics/instances?${query}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      return [];
    }
    throw e;
  }
}

/** The figures of one plan instance: matched by its sidecar (its address changes with its mode), else by address. */
export function seenOf(
  rows: InstanceTraffic[] | undefined,
  instance: { address: string; nodeId?: string | null },
): InstanceTraffic | undefined {
  return (
    rows?.find((r) => instance.nodeId != null && r.nodeId === instance.nodeId) ??
    rows?.find((r) => r.address === instance.address)
  );
}

/** "120 calls, 2.5 % errors, p99 12 ms"; "no calls" when there were none. */
export function describeSeen(seen: Seen | undefined): string {
  if (!seen || seen.requests === 0) {
    return 'no calls';
  }
  const errors = +(seen.errorRate * 100).toFixed(1);
  const p99 = seen.p99Millis >= 10 ? Math.round(seen.p99Millis) : +seen.p99Millis.toFixed(1);
  return `${seen.requests} call${seen.requests === 1 ? '' : 's'}, ${errors} % errors, p99 ${p99} ms`;
}

export function topology(window: TrafficWindow): Promise<Topology> {
  return get<Topology>(`/api/v1/topology?window=${window}`);
}

/** Plans, or null when this server has no migrations API (404). */
export async function migrations(): Promise<MigrationSummary[] | null> {
  try {
    return await get<MigrationSummary[]>('/api/v1/migrations');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      return null;
    }
    throw e;
  }
}

export function activeMigrations(plans: MigrationSummary[]): MigrationSummary[] {
  return plans.filter((p) => ACTIVE_MIGRATION_STATES.includes(p.state));
}

export function outOfDate(sidecars: SidecarStatus[]): SidecarStatus[] {
  return sidecars.filter((s) => !s.upToDate);
}

/** True when no service saw a single call in the window. */
export function noTraffic(services: ServiceTraffic[]): boolean {
  return services.every((s) => s.requests === 0 && s.series.every((p) => p.rps === 0));
}

// ---- chart rows -------------------------------------------------------------------------------------------------

export type Metric = 'rps' | 'errorRate' | 'p99Millis';

/** One point in time of a multi-line chart: the value of each line (null where that line has no value). */
export interface ChartRow {
  at: number;
  values: Record<string, number | null>;
}

/**
 * The per-service series merged into rows by time, oldest first, for one line per service. A service without a point
 * at a time had no calls then: 0 requests per second and 0 errors, but no latency (null, so the line has a gap rather
 * than a fall to zero). Error rates are in percent.
 */
export function chartRows(services: ServiceTraffic[], metric: Metric): ChartRow[] {
  const times = new Set<number>();
  services.forEach((s) => s.series.forEach((p) => times.add(p.at)));
  const empty = metric === 'p99Millis' ? null : 0;
  return [...times]
    .sort((a, b) => a - b)
    .map((at) => {
      const values: Record<string, number | null> = {};
      services.forEach((s) => {
        const point = s.series.find((p) => p.at === at);
        values[s.service] = point ? scaled(point, metric) : empty;
      });
      return { at, values };
    });
}

function scaled(point: TrafficPoint, metric: Metric): number | null {
  if (metric === 'errorRate') {
    return round(point.errorRate * 100, 2);
  }
  if (metric === 'p99Millis') {
    return point.rps > 0 ? round(point.p99Millis, 1) : null;
  }
  return round(point.rps, 2);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

// ---- traffic split ------------------------------------------------------------------------------------------------

/** An instance of a service whose sidecar reports traffic. */
export interface SplitMember {
  /** what the chart calls it: its version label when it has one, and its address */
  label: string;
  nodeId: string;
  address: string;
}

/** The instances of a service that have a sidecar, labelled for the split chart. */
export function splitMembers(service: ServiceView): SplitMember[] {
  return service.instances
    .filter((i): i is InstanceView & { sidecar: NonNullable<InstanceView['sidecar']> } => !!i.sidecar?.nodeId)
    .map((i) => {
      const address = `${i.ip}:${i.port}`;
      const version = i.metadata?.version;
      return { label: version ? `version=${version} ${address}` : address, nodeId: i.sidecar.nodeId, address };
    });
}

/** The services with at least one instance behind a sidecar, the ones with the most such instances first. */
export function splitCandidates(services: ServiceView[]): ServiceView[] {
  return services
    .filter((s) => splitMembers(s).length > 0)
    .sort((a, b) => splitMembers(b).length - splitMembers(a).length || a.name.localeCompare(b.name));
}

/** The entry of a node's report that is the ingress traffic of `service`. */
export function ingressOf(entries: ServiceTraffic[], service: string): ServiceTraffic | undefined {
  const mine = entries.filter((e) => e.service === service);
  return mine.find((e) => e.direction === 'ingress') ?? mine.find((e) => e.direction === undefined);
}

export interface SplitRow {
  at: number;
  /** percent of the requests per member label at that time; null when nobody had a request then */
  shares: Record<string, number | null>;
}

export interface SplitShare {
  label: string;
  requests: number;
  /** percent of the service's requests in the window */
  windowShare: number;
  /** percent of its requests in the latest seconds with traffic: what the routing does now */
  recentShare: number;
}

export interface Split {
  rows: SplitRow[];
  shares: SplitShare[];
  /** requests of all members in the window */
  requests: number;
}

/** How many of the latest points with traffic make up the "now" share. */
export const RECENT_POINTS = 3;

/**
 * The share of a service's requests that each of its instances received: over time (100%-stacked rows, each row's
 * shares add up to 100), over the whole window, and over the latest {@link RECENT_POINTS} points with traffic — the
 * last of which is what an operator watches after changing a weighted route.
 */
export function splitShares(members: { label: string; traffic: ServiceTraffic | undefined }[]): Split {
  const times = new Set<number>();
  members.forEach((m) => m.traffic?.series.forEach((p) => times.add(p.at)));
  const rpsAt = (m: (typeof members)[number], at: number) => m.traffic?.series.find((p) => p.at === at)?.rps ?? 0;
  const rows: SplitRow[] = [...times]
    .sort((a, b) => a - b)
    .map((at) => {
      const total = members.reduce((n, m) => n + rpsAt(m, at), 0);
      return {
        at,
        shares: Object.fromEntries(members.map((m) => [m.label, total > 0 ? round((100 * rpsAt(m, at)) / total, 1) : null])),
      };
    });
  const recent = rows.filter((r) => Object.values(r.shares).some((v) => v !== null)).slice(-RECENT_POINTS);
  const recentTotal = recent.reduce((n, r) => n + members.reduce((k, m) => k + rpsAt(m, r.at), 0), 0);
  const requests = members.reduce((n, m) => n + (m.traffic?.requests ?? 0), 0);
  const shares = members.map((m) => {
    const mine = recent.reduce((n, r) => n + rpsAt(m, r.at), 0);
    const own = m.traffic?.requests ?? 0;
    return {
      label: m.label,
      requests: own,
      windowShare: requests > 0 ? round((100 * own) / requests, 1) : 0,
      recentShare: recentTotal > 0 ? round((100 * mine) / recentTotal, 1) : 0,
    };
  });
  return { rows, shares, requests };
}
