import type { NamePath } from './paths';

/** Names of subsets and routes, as governance-model's validator accepts them (Checks.ITEM_NAME). */
export const ITEM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;
/** Service names (Checks.SERVICE_NAME). */
export const SERVICE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,254}$/;
const LABEL_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,127}$/;

export type HeaderMatchType = 'exact' | 'prefix' | 'regex';

export interface HeaderValues {
  name?: string;
  type?: HeaderMatchType;
  value?: string;
}

export interface RouteValues {
  name?: string;
  match?: { methods?: string[]; headers?: HeaderValues[] };
  destinations?: { subset?: string; weight?: number | null }[];
  delegateTo?: string;
  mirror?: { subset?: string; percent?: number | null };
}

/** The routing form: the document's shape, but labels as `key=value, …` text and header matches as type + value. */
export interface RoutingValues {
  subsets?: { name?: string; labels?: string }[];
  routes?: RouteValues[];
}

type Json = Record<string, unknown>;

export function parseLabels(text: string | undefined): { labels: Record<string, string>; problem?: string } {
  const labels: Record<string, string> = {};
  const parts = (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) {
      return { labels, problem: `'${part}' is not key=value` };
    }
    const key = part.slice(0, eq).trim();
    if (!LABEL_KEY.test(key)) {
      return { labels, problem: `'${key}' is not a valid label key` };
    }
    labels[key] = part.slice(eq + 1).trim();
  }
  if (parts.length === 0) {
    return { labels, problem: 'a subset needs at least one label, e.g. version=2' };
  }
  return { labels };
}

export function formatLabels(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** What is wrong with a route's destinations, or undefined: at least one, weights required when several, sum 100. */
export function destinationsProblem(destinations: RouteValues['destinations']): string | undefined {
  const list = destinations ?? [];
  if (list.length === 0) {
    return undefined;
  }
  if (list.length === 1 && (list[0]?.weight === undefined || list[0]?.weight === null)) {
    return undefined;
  }
  if (list.some((d) => d?.weight === undefined || d?.weight === null)) {
    return 'every destination needs a weight when a route has several';
  }
  const sum = list.reduce((n, d) => n + Number(d?.weight ?? 0), 0);
  return sum === 100 ? undefined : `weights sum to ${sum}; make them sum to 100`;
}

export function routeTargetProblem(route: RouteValues | undefined): string | undefined {
  const hasDestinations = (route?.destinations ?? []).length > 0;
  const hasDelegate = !!route?.delegateTo?.trim();
  if (hasDestinations && hasDelegate) {
    return 'a route either sends to destinations or delegates to a service, not both';
  }
  if (!hasDestinations && !hasDelegate) {
    return 'add a destination, or delegate to another service';
  }
  return undefined;
}

export function fromRoutingDocument(doc: unknown): RoutingValues {
  const d = (doc ?? {}) as Json;
  const subsets = ((d.subsets as Json[] | undefined) ?? []).map((s) => ({
    name: s.name as string,
    labels: formatLabels(s.labels as Record<string, string>),
  }));
  const routes = ((d.routes as Json[] | undefined) ?? []).map((r) => {
    const match = r.match as Json | undefined;
    const headers = ((match?.headers as Json[] | undefined) ?? []).map((h) => {
      const type = (['exact', 'prefix', 'regex'] as const).find((t) => h[t] !== undefined) ?? 'exact';
      return { name: h.name as string, type, value: h[type] as string };
    });
    return {
      name: r.name as string,
      match: match ? { methods: (match.methods as string[]) ?? [], headers } : { methods: [], headers: [] },
      destinations: (r.destinations as RouteValues['destinations']) ?? [],
      delegateTo: r.delegateTo as string | undefined,
      mirror: r.mirror as RouteValues['mirror'],
    };
  });
  return { subsets, routes };
}

function blank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

export function toRoutingDocument(values: RoutingValues): Json {
  const subsets = (values.subsets ?? []).map((s) => ({ name: s?.name?.trim(), labels: parseLabels(s?.labels).labels }));
  const routes = (values.routes ?? []).map((r) => {
    const route: Json = { name: r?.name?.trim() };
    const methods = (r?.match?.methods ?? []).filter((m) => !blank(m));
    const headers = (r?.match?.headers ?? []).map((h) => ({ name: h?.name?.trim(), [h?.type ?? 'exact']: h?.value }));
    if (methods.length || headers.length) {
      route.match = {
        ...(methods.length ? { methods } : {}),
        ...(headers.length ? { headers } : {}),
      };
    }
    const destinations = (r?.destinations ?? []).map((d) =>
      blank(d?.weight) ? { subset: d?.subset } : { subset: d?.subset, weight: Number(d?.weight) },
    );
    if (destinations.length || blank(r?.delegateTo)) {
      route.destinations = destinations;
    }
    if (!blank(r?.delegateTo)) {
      route.delegateTo = r!.delegateTo!.trim();
    }
    if (r?.mirror && !blank(r.mirror.subset)) {
      route.mirror = { subset: r.mirror.subset, percent: blank(r.mirror.percent) ? undefined : Number(r.mirror.percent) };
    }
    return route;
  });
  return { subsets, routes };
}

/** The API's path of a routing error → the form field that shows it. */
export function routingFieldOf(path: NamePath): NamePath {
  // $.subsets[i].labels.<key> → the labels text of subset i
  if (path[0] === 'subsets' && path[2] === 'labels') {
    return path.slice(0, 3);
  }
  // $.routes[i].match.headers[j].exact|prefix|regex → the header's value
  if (path[0] === 'routes' && path[2] === 'match' && path[3] === 'headers' && path.length >= 6) {
    const last = path[5];
    return [...path.slice(0, 5), last === 'name' ? 'name' : 'value'];
  }
  return path;
}

export const EMPTY_ROUTING: RoutingValues = {
  subsets: [
    { name: 'v1', labels: 'version=1' },
    { name: 'v2', labels: 'version=2' },
  ],
  routes: [{ name: 'default', match: { methods: [], headers: [] }, destinations: [{ subset: 'v1', weight: 90 }, { subset: 'v2', weight: 10 }] }],
};
