import type { InstanceView, ServiceView } from './types';

/** Metadata keys the platform reads (DESIGN.md, "The registry"); the rest are the instance's labels. */
export const MODE_KEY = 'dualmode.mode';
export const SIDECAR_VERSION_KEYS = ['dualmode.sidecar.version', 'dualmode.sidecar-version'];
export const CONFIG_DIGEST_KEYS = ['dualmode.config.digest', 'dualmode.config-digest'];

export function labels(instance: InstanceView): Record<string, string> {
  return Object.fromEntries(Object.entries(instance.metadata ?? {}).filter(([k]) => !k.startsWith('dualmode.')));
}

export function firstOf(instance: InstanceView, keys: string[]): string | undefined {
  return keys.map((k) => instance.metadata?.[k]).find((v) => v !== undefined);
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
