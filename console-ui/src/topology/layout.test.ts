import { describe, expect, it } from 'vitest';
import type { Topology, TopologyEdge } from '../api/traffic';
import { layout, NODE_RADIUS, type Layout } from './layout';
import { edgeColour, edgeWidth, ERROR_COLOURS, MAX_WIDTH, meshShare, MIN_WIDTH } from './style';

const edge = (source: string, target: string, rps = 1): TopologyEdge => ({ source, target, rps, errorRate: 0, p99Millis: 5 });

const graph = (edges: TopologyEdge[], ids: string[] = []): Topology => ({
  nodes: ids.map((id) => ({ id, mesh: 1, sdk: 1 })),
  edges,
});

/** Labels sit under a node: keep nodes far enough apart that circles and labels never touch. */
function assertNoOverlap(l: Layout) {
  for (const a of l.nodes) {
    for (const b of l.nodes) {
      if (a !== b) {
        expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThan(3 * NODE_RADIUS);
      }
    }
    expect(a.x - NODE_RADIUS).toBeGreaterThanOrEqual(0);
    expect(a.y - NODE_RADIUS).toBeGreaterThanOrEqual(0);
    expect(a.x + NODE_RADIUS).toBeLessThanOrEqual(l.width);
    expect(a.y + NODE_RADIUS + 20).toBeLessThanOrEqual(l.height);
  }
}

function assertEdgesReferenceNodes(l: Layout) {
  const ids = new Set(l.nodes.map((n) => n.id));
  l.edges.forEach((e) => {
    expect(ids).toContain(e.source);
    expect(ids).toContain(e.target);
    expect(e.path).toMatch(/^M [\d.-]+ [\d.-]+ [LQC] /);
  });
}

const layerOf = (l: Layout, id: string) => l.nodes.find((n) => n.id === id)!.layer;

describe('topology layout', () => {
  const shop = graph(
    [edge('gateway', 'web'), edge('web', 'orders'), edge('web', 'users'), edge('orders', 'payments'), edge('gateway', 'payments')],
    ['gateway', 'web', 'orders', 'users', 'payments', 'idle'],
  );

  it('places every node once, callers left of callees, by call depth', () => {
    const l = layout(shop);
    expect(l.nodes.map((n) => n.id).sort()).toEqual(['gateway', 'idle', 'orders', 'payments', 'users', 'web']);
    expect(layerOf(l, 'gateway')).toBe(0);
    expect(layerOf(l, 'idle')).toBe(0);
    expect(layerOf(l, 'web')).toBe(1);
    expect(layerOf(l, 'orders')).toBe(2);
    expect(layerOf(l, 'users')).toBe(2);
    // the longest chain of calls decides: gateway → web → orders → payments
    expect(layerOf(l, 'payments')).toBe(3);
    l.edges
      .filter((e) => e.source !== e.target)
      .forEach((e) => expect(l.nodes.find((n) => n.id === e.source)!.x).toBeLessThan(l.nodes.find((n) => n.id === e.target)!.x));
    assertNoOverlap(l);
    assertEdgesReferenceNodes(l);
  });

  it('draws the same graph the same way whatever the order of the lists', () => {
    const shuffled: Topology = { nodes: [...shop.nodes].reverse(), edges: [...shop.edges].reverse() };
    expect(layout(shuffled)).toEqual(layout(shop));
  });

  it('adds a node an edge names but the node list lacks, without a mode share', () => {
    const l = layout(graph([edge('unknown-caller', 'orders')], ['orders']));
    expect(l.nodes.find((n) => n.id === 'unknown-caller')).toMatchObject({ mesh: 0, sdk: 0, layer: 0 });
    assertEdgesReferenceNodes(l);
  });

  it('lays out cycles, calls both ways and self-calls without hanging, curving what goes back', () => {
    const l = layout(graph([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('b', 'a'), edge('c', 'c')]));
    expect(l.nodes).toHaveLength(3);
    expect(new Set(l.nodes.map((n) => n.layer))).toEqual(new Set([0, 1, 2]));
    const back = l.edges.find((e) => e.source === 'c' && e.target === 'a')!;
    expect(back.curved).toBe(true);
    expect(l.edges.find((e) => e.source === 'a' && e.target === 'b')!.curved).toBe(true);
    expect(l.edges.find((e) => e.source === 'b' && e.target === 'c')!.curved).toBe(false);
    expect(l.edges.find((e) => e.source === 'c' && e.target === 'c')!.path).toContain(' C ');
    assertNoOverlap(l);
    assertEdgesReferenceNodes(l);
  });

  it('keeps a wide fan-out apart', () => {
    const callees = Array.from({ length: 12 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    const l = layout(graph(callees.map((c) => edge('gateway', c))));
    expect(l.nodes).toHaveLength(13);
    assertNoOverlap(l);
  });

  it('is empty for an empty graph', () => {
    expect(layout({ nodes: [], edges: [] }).nodes).toEqual([]);
  });
});

describe('topology style', () => {
  it('colours an edge by its error rate', () => {
    expect(edgeColour(0)).toBe(ERROR_COLOURS.ok);
    expect(edgeColour(0.01)).toBe(ERROR_COLOURS.ok);
    expect(edgeColour(0.03)).toBe(ERROR_COLOURS.warn);
    expect(edgeColour(0.2)).toBe(ERROR_COLOURS.bad);
  });

  it('widens an edge with its request rate, up to the busiest', () => {
    expect(edgeWidth(0, 100)).toBe(MIN_WIDTH);
    expect(edgeWidth(100, 100)).toBe(MAX_WIDTH);
    expect(edgeWidth(25, 100)).toBeGreaterThan(MIN_WIDTH);
    expect(edgeWidth(25, 100)).toBeLessThan(edgeWidth(50, 100));
  });

  it('knows the mesh share of a node, and when there is none', () => {
    expect(meshShare({ mesh: 3, sdk: 1 })).toBe(0.75);
    expect(meshShare({ mesh: 0, sdk: 0 })).toBeNull();
  });
});
