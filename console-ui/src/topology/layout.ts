import type { Topology, TopologyEdge, TopologyNode } from '../api/traffic';

/**
 * A deterministic layered layout of the call graph: callers left, callees right. A node's layer is its call depth (the
 * longest chain of calls leading to it from a service nobody calls); calls that close a cycle do not count. Within a
 * layer nodes are ordered by the mean position of their callers, then by name, so the same graph is always drawn the
 * same way whatever the order of the server's lists.
 */

export const NODE_RADIUS = 26;
export const LAYER_GAP = 220;
export const ROW_GAP = 110;
export const MARGIN = 70;

export interface PlacedNode extends TopologyNode {
  layer: number;
  x: number;
  y: number;
}

export interface PlacedEdge extends TopologyEdge {
  /** SVG path from the source's rim to the target's rim */
  path: string;
  /** where the edge's label and hover point sit */
  mid: { x: number; y: number };
  /** drawn as a curve: a self-call, a call against the layers (a cycle) or over a layer, or one of a pair of calls both ways */
  curved: boolean;
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

export function layout(graph: Topology): Layout {
  const nodes = allNodes(graph);
  const ids = nodes.map((n) => n.id);
  const edges = [...graph.edges].sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target));
  const forward = acyclic(ids, edges);
  const layers = depths(ids, forward);
  const order = orderWithinLayers(ids, layers, forward);
  const layerCount = Math.max(0, ...[...layers.values()].map((l) => l + 1));
  const tallest = Math.max(1, ...order.map((l) => l.length));
  const height = 2 * MARGIN + (tallest - 1) * ROW_GAP;
  const placed = new Map<string, PlacedNode>();
  order.forEach((layer, l) => {
    const top = (height - (layer.length - 1) * ROW_GAP) / 2;
    layer.forEach((id, i) => {
      const node = nodes.find((n) => n.id === id)!;
      placed.set(id, { ...node, layer: l, x: MARGIN + l * LAYER_GAP, y: top + i * ROW_GAP });
    });
  });
  const pairs = new Set(edges.map((e) => `${e.source}\u0000${e.target}`));
  return {
    width: 2 * MARGIN + Math.max(0, layerCount - 1) * LAYER_GAP,
    height,
    nodes: ids.map((id) => placed.get(id)!),
    edges: edges.map((e) => route(e, placed, pairs.has(`${e.target}\u0000${e.source}`))),
  };
}

/** The server's nodes, plus any that an edge names and the node list lacks (drawn without a mode share). */
function allNodes(graph: Topology): TopologyNode[] {
  const byId = new Map<string, TopologyNode>();
  graph.nodes.forEach((n) => byId.set(n.id, n));
  graph.edges.forEach((e) =>
    [e.source, e.target].forEach((id) => byId.has(id) || byId.set(id, { id, mesh: 0, sdk: 0 })),
  );
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The edges without self-calls and without the ones a depth-first walk finds closing a cycle. */
function acyclic(ids: string[], edges: TopologyEdge[]): TopologyEdge[] {
  const out = new Map<string, TopologyEdge[]>(ids.map((id) => [id, []]));
  edges.filter((e) => e.source !== e.target).forEach((e) => out.get(e.source)!.push(e));
  const incoming = new Set(edges.filter((e) => e.source !== e.target).map((e) => e.target));
  const starts = [...ids.filter((id) => !incoming.has(id)), ...ids.filter((id) => incoming.has(id))];
  const state = new Map<string, 'open' | 'done'>();
  const kept: TopologyEdge[] = [];
  const visit = (id: string) => {
    state.set(id, 'open');
    for (const e of out.get(id)!) {
      const s = state.get(e.target);
      if (s === 'open') {
        continue;
      }
      kept.push(e);
      if (s === undefined) {
        visit(e.target);
      }
    }
    state.set(id, 'done');
  };
  starts.forEach((id) => state.has(id) || visit(id));
  return kept;
}

/** Longest path from a node without callers, over an acyclic edge set. */
function depths(ids: string[], edges: TopologyEdge[]): Map<string, number> {
  const depth = new Map<string, number>(ids.map((id) => [id, 0]));
  // At most |ids| rounds: each round lengthens every longest path by one call.
  for (let round = 0; round < ids.length; round++) {
    let changed = false;
    for (const e of edges) {
      const d = depth.get(e.source)! + 1;
      if (d > depth.get(e.target)!) {
        depth.set(e.target, d);
        changed = true;
      }
    }
    if (!changed) {
      break;
    }
  }
  return depth;
}

function orderWithinLayers(ids: string[], layers: Map<string, number>, edges: TopologyEdge[]): string[][] {
  const count = Math.max(0, ...[...layers.values()].map((l) => l + 1));
  const order: string[][] = Array.from({ length: count }, () => []);
  ids.forEach((id) => order[layers.get(id)!].push(id));
  for (let l = 1; l < count; l++) {
    const position = new Map<string, number>();
    order[l - 1].forEach((id, i) => position.set(id, i));
    const centre = (id: string) => {
      const callers = edges.filter((e) => e.target === id && position.has(e.source)).map((e) => position.get(e.source)!);
      return callers.length ? callers.reduce((a, b) => a + b, 0) / callers.length : Number.MAX_SAFE_INTEGER;
    };
    order[l].sort((a, b) => centre(a) - centre(b) || a.localeCompare(b));
  }
  return order;
}

function route(e: TopologyEdge, placed: Map<string, PlacedNode>, both: boolean): PlacedEdge {
  const s = placed.get(e.source)!;
  const t = placed.get(e.target)!;
  if (s === t) {
    const x = s.x;
    const y = s.y - NODE_RADIUS;
    return {
      ...e,
      curved: true,
      path: `M ${x - 10} ${y} C ${x - 40} ${y - 60}, ${x + 40} ${y - 60}, ${x + 10} ${y}`,
      mid: { x, y: y - 45 },
    };
  }
  // Against the layers (a cycle), or over a layer where it would cross the nodes in between.
  const skewed = t.layer <= s.layer || t.layer - s.layer > 1;
  const curved = both || skewed;
  const dx = t.x - s.x;
  const dy = t.y - s.y;
  const length = Math.hypot(dx, dy);
  const ux = dx / length;
  const uy = dy / length;
  // Bend to the left of the direction of the call: the two calls of a pair bend to opposite sides.
  const bend = curved ? Math.min(60, 0.25 * length) : 0;
  const cx = (s.x + t.x) / 2 + uy * bend;
  const cy = (s.y + t.y) / 2 - ux * bend;
  const start = towards(s, cx, cy);
  const end = towards(t, cx, cy);
  return {
    ...e,
    curved,
    path: curved
      ? `M ${f(start.x)} ${f(start.y)} Q ${f(cx)} ${f(cy)} ${f(end.x)} ${f(end.y)}`
      : `M ${f(start.x)} ${f(start.y)} L ${f(end.x)} ${f(end.y)}`,
    mid: { x: f((start.x + 2 * cx + end.x) / 4), y: f((start.y + 2 * cy + end.y) / 4) },
  };
}

/** The point on a node's rim facing (x, y). */
function towards(n: PlacedNode, x: number, y: number): { x: number; y: number } {
  const d = Math.hypot(x - n.x, y - n.y) || 1;
  return { x: n.x + ((x - n.x) / d) * NODE_RADIUS, y: n.y + ((y - n.y) / d) * NODE_RADIUS };
}

function f(v: number): number {
  return Math.round(v * 10) / 10;
}
