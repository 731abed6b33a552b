import { useState } from 'react';
import { Space, Typography } from 'antd';
import type { Topology } from '../api/traffic';
import { MODE_COLOURS } from '../components/modeColours';
import { layout, NODE_RADIUS, type PlacedEdge, type PlacedNode } from './layout';
import { edgeColour, edgeWidth, ERROR_COLOURS, meshShare, millis, percent, rate } from './style';

type Hovered = { kind: 'edge'; edge: PlacedEdge } | { kind: 'node'; node: PlacedNode } | null;

const UNKNOWN = '#bfbfbf';

/** The call graph as SVG: one circle per service, one arrow per caller → callee pair. */
export function TopologyGraph({ graph }: { graph: Topology }) {
  const [hovered, setHovered] = useState<Hovered>(null);
  const placed = layout(graph);
  const busiest = Math.max(0, ...placed.edges.map((e) => e.rps));
  return (
    <div>
      <div style={{ position: 'relative', overflow: 'auto' }} data-testid="topology-graph">
        <svg
          width={placed.width}
          height={placed.height}
          role="img"
          aria-label={`Call graph of ${placed.nodes.length} services and ${placed.edges.length} calls`}
          style={{ display: 'block', margin: '0 auto' }}
        >
          {placed.edges.map((e, i) => (
            <Edge key={`${e.source}->${e.target}`} id={i} edge={e} busiest={busiest} onHover={setHovered} />
          ))}
          {placed.nodes.map((n) => (
            <Node key={n.id} node={n} onHover={setHovered} />
          ))}
        </svg>
        {hovered && <Details hovered={hovered} />}
      </div>
      <Legend />
    </div>
  );
}

function Edge({
  id,
  edge,
  busiest,
  onHover,
}: {
  id: number;
  edge: PlacedEdge;
  busiest: number;
  onHover: (h: Hovered) => void;
}) {
  const colour = edgeColour(edge.errorRate);
  const width = edgeWidth(edge.rps, busiest);
  // An arrowhead that stays visible on a thin edge and does not swamp a wide one.
  const head = 9 + 1.4 * width;
  const marker = `arrow-${id}`;
  const hover = { onMouseEnter: () => onHover({ kind: 'edge', edge }), onMouseLeave: () => onHover(null) };
  return (
    <g
      data-testid={`edge:${edge.source}->${edge.target}`}
      aria-label={`${edge.source} calls ${edge.target}: ${rate(edge.rps)}, ${percent(edge.errorRate)} errors, p99 ${millis(edge.p99Millis)}`}
      {...hover}
    >
      <defs>
        <marker
          id={marker}
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerUnits="userSpaceOnUse"
          markerWidth={head}
          markerHeight={head}
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" fill={colour} />
        </marker>
      </defs>
      <path
        className="edge-line"
        d={edge.path}
        fill="none"
        stroke={colour}
        strokeWidth={width}
        markerEnd={`url(#${marker})`}
        data-error-rate={edge.errorRate}
      />
      {/* a wide invisible twin: thin edges are hard to point at */}
      <path className="edge-hit" d={edge.path} fill="none" stroke="transparent" strokeWidth={16} />
      <text x={edge.mid.x} y={edge.mid.y - 6} textAnchor="middle" fontSize={11} fill="#595959">
        {rate(edge.rps)}
      </text>
    </g>
  );
}

function Node({ node, onHover }: { node: PlacedNode; onHover: (h: Hovered) => void }) {
  const share = meshShare(node);
  const circumference = 2 * Math.PI * NODE_RADIUS;
  return (
    <g
      data-testid={`node:${node.id}`}
      aria-label={
        share === null ? `${node.id}: no registered instance` : `${node.id}: ${node.mesh} mesh, ${node.sdk} SDK instances`
      }
      onMouseEnter={() => onHover({ kind: 'node', node })}
      onMouseLeave={() => onHover(null)}
    >
      <circle
        cx={node.x}
        cy={node.y}
        r={NODE_RADIUS}
        fill="#fff"
        stroke={share === null ? UNKNOWN : MODE_COLOURS.sdk}
        strokeWidth={8}
      />
      {share !== null && share > 0 && (
        <circle
          cx={node.x}
          cy={node.y}
          r={NODE_RADIUS}
          fill="none"
          stroke={MODE_COLOURS.mesh}
          strokeWidth={8}
          strokeDasharray={`${share * circumference} ${circumference}`}
          transform={`rotate(-90 ${node.x} ${node.y})`}
        />
      )}
      <text x={node.x} y={node.y + 4} textAnchor="middle" fontSize={11} fontWeight={600}>
        {share === null ? '?' : `${Math.round(share * 100)}%`}
      </text>
      <text x={node.x} y={node.y + NODE_RADIUS + 18} textAnchor="middle" fontSize={13}>
        {node.id}
      </text>
    </g>
  );
}

function Details({ hovered }: { hovered: NonNullable<Hovered> }) {
  const at = hovered.kind === 'edge' ? hovered.edge.mid : { x: hovered.node.x, y: hovered.node.y - NODE_RADIUS };
  return (
    <div
      role="tooltip"
      data-testid="topology-tooltip"
      style={{
        position: 'absolute',
        left: at.x + 12,
        top: Math.max(0, at.y - 70),
        background: 'rgba(0,0,0,0.8)',
        color: '#fff',
        padding: '6px 10px',
        borderRadius: 6,
        fontSize: 12,
        pointerEvents: 'none',
        whiteSpace: 'nowrap',
      }}
    >
      {hovered.kind === 'edge' ? (
        <>
          <div>
            <b>{hovered.edge.source}</b> → <b>{hovered.edge.target}</b>
          </div>
          <div>{rate(hovered.edge.rps)}</div>
          <div>{percent(hovered.edge.errorRate)} errors</div>
          <div>p99 {millis(hovered.edge.p99Millis)}</div>
        </>
      ) : (
        <>
          <div>
            <b>{hovered.node.id}</b>
          </div>
          {meshShare(hovered.node) === null ? (
            <div>no instance registered with the platform</div>
          ) : (
            <div>
              {hovered.node.mesh} mesh, {hovered.node.sdk} SDK instances
            </div>
          )}
        </>
      )}
    </div>
  );
}

function Legend() {
  const swatch = (colour: string) => (
    <span style={{ display: 'inline-block', width: 12, height: 12, background: colour, borderRadius: 2, marginRight: 4 }} />
  );
  return (
    <Space wrap size="large" style={{ marginTop: 12 }}>
      <Typography.Text type="secondary">
        {swatch(MODE_COLOURS.mesh)}mesh {swatch(MODE_COLOURS.sdk)}SDK (ring: share of instances) {swatch(UNKNOWN)}not
        registered
      </Typography.Text>
      <Typography.Text type="secondary">
        {swatch(ERROR_COLOURS.ok)}≤ 1% errors {swatch(ERROR_COLOURS.warn)}≤ 5% {swatch(ERROR_COLOURS.bad)}more; width:
        requests per second
      </Typography.Text>
    </Space>
  );
}
