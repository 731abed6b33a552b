import type { InstanceView, ServiceView } from './types';

/** Metadata keys the platform reads (DESIGN.md, "The registry"); the rest are the instance's labels. */
export const MODE_KEY = 'dualmode.mode';
/** A mesh instance's sidecar ingress address, as mesh-sidecar publishes it (agent/Protocols.SIDECAR_KEY). */
export const SIDECAR_KEY = 'dualmode.sidecar';

export function labels(instance: InstanceView): Record<string, string> {
  return Object.fromEntries(Object.entries(instance.metadata ?? {}).filter(([k]) => !k.startsWith('dualmode.')));
}

export interface ModeCount {
  mode: string;
  instances: number;
}

export function instancesByMode(services: ServiceView[]): ModeCount[] {
  const counts = new Map<string, number>();
  services.forEach((s) => s.instances.forEach((i) => counts.set(i.mode, (counts.get(i.mode) ?? 0) + 1)));
  return ['sdk', 'mesh', ...[...counts.keys()].filter((m) => m !== 'sdk' && m !== 'mesh')].map((mode) => ({
    mode,
    instances: counts.get(mode) ?? 0,
  }));
}

export function serviceKey(s: Pick<ServiceView, 'namespace' | 'group' | 'name'>): string {
  return `${s.namespace}/${s.group}/${s.name}`;
}
