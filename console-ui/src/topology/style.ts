/** How the call graph encodes numbers: edge colour = error rate, edge width = request rate, node ring = mode share. */

export const ERROR_COLOURS = { ok: '#52c41a', warn: '#fa8c16', bad: '#f5222d' } as const;

/** Up to 1 % errors is green, up to 5 % orange, more red. */
export function edgeColour(errorRate: number): string {
  if (errorRate > 0.05) {
    return ERROR_COLOURS.bad;
  }
  return errorRate > 0.01 ? ERROR_COLOURS.warn : ERROR_COLOURS.ok;
}

export const MIN_WIDTH = 1.5;
export const MAX_WIDTH = 9;

/** Width grows with the square root of the request rate, relative to the busiest edge. */
export function edgeWidth(rps: number, busiest: number): number {
  if (busiest <= 0 || rps <= 0) {
    return MIN_WIDTH;
  }
  return Math.round((MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * Math.sqrt(Math.min(1, rps / busiest))) * 10) / 10;
}

/** The mesh share of a service's instances, 0..1, or null when the platform knows none of them. */
export function meshShare(node: { mesh: number; sdk: number }): number | null {
  const total = node.mesh + node.sdk;
  return total > 0 ? node.mesh / total : null;
}

export function percent(rate: number): string {
  const p = rate * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

export function rate(rps: number): string {
  return `${rps >= 10 ? rps.toFixed(0) : rps.toFixed(1)} req/s`;
}

export function millis(ms: number): string {
  return `${ms >= 10 ? ms.toFixed(0) : ms.toFixed(1)} ms`;
}
