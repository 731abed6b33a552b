import { serviceKey } from '../api/inventory';
import type { PlanRequest, TargetMode } from '../api/migrations';
import type { ServiceView } from '../api/types';
import type { NamePath } from '../rules/paths';
import { parseLabels } from '../rules/routing';

export type SelectorKind = 'instances' | 'labels' | 'percentage';

/** The "New migration" form's values; thresholds as a person writes them (error rate in %). */
export interface MigrationValues {
  name?: string;
  /** {@link serviceKey} of the chosen service. */
  service?: string;
  targetMode: TargetMode;
  selectorKind: SelectorKind;
  instances?: string[];
  labels?: string;
  percentage?: number;
  batchSize?: number;
  pauseSeconds?: number;
  maxErrorRatePercent?: number;
  maxP99Millis?: number;
  minRequests?: number;
  onBreach: 'rollback' | 'pause';
  start: boolean;
}

export const DEFAULTS: MigrationValues = {
  targetMode: 'mesh',
  selectorKind: 'instances',
  instances: [],
  batchSize: 1,
  pauseSeconds: 30,
  maxErrorRatePercent: 5,
  maxP99Millis: 1000,
  minRequests: 10,
  onBreach: 'rollback',
  start: true,
};

/** The fields the form registers, for placing the server's field errors. */
export const FIELDS: NamePath[] = [
  ['name'],
  ['service'],
  ['targetMode'],
  ['instances'],
  ['labels'],
  ['percentage'],
  ['batchSize'],
  ['pauseSeconds'],
  ['maxErrorRatePercent'],
  ['maxP99Millis'],
  ['minRequests'],
  ['onBreach'],
];

/**
 * The form field a path of the plan request belongs to: `$.thresholds.maxErrorRate` is the error-rate field,
 * `$.selector…` the field of the chosen selector kind, `$.namespace` and `$.group` the service.
 */
export function migrationFieldOf(kind: SelectorKind): (path: NamePath) => NamePath {
  return (path) => {
    const [head, next] = path;
    if (head === 'selector') {
      return [kind];
    }
    if (head === 'thresholds') {
      return next === 'maxErrorRate' ? ['maxErrorRatePercent'] : next === undefined ? [] : [String(next)];
    }
    if (head === 'namespace' || head === 'group') {
      return ['service'];
    }
    return path;
  };
}

/** The labels field: `zone=a, canary=true`, at least one. */
export function labelsProblem(text: string | undefined): string | undefined {
  if (!text?.trim()) {
    return 'Give at least one label, e.g. zone=a';
  }
  const problem = parseLabels(text).problem;
  return problem ? problem.charAt(0).toUpperCase() + problem.slice(1) : undefined;
}

/** The request body of POST /api/v1/migrations for validated form values. */
export function toPlanRequest(values: MigrationValues, services: ServiceView[]): PlanRequest {
  const service = services.find((s) => serviceKey(s) === values.service);
  const selector =
    values.selectorKind === 'instances'
      ? { instances: values.instances ?? [] }
      : values.selectorKind === 'labels'
        ? { labels: parseLabels(values.labels).labels }
        : { percentage: Number(values.percentage) };
  const name = values.name?.trim() || `${service?.name ?? values.service} to ${values.targetMode}`;
  return {
    name,
    service: service?.name ?? values.service ?? '',
    ...(service ? { namespace: service.namespace || 'public', group: service.group } : {}),
    targetMode: values.targetMode,
    selector,
    batchSize: Number(values.batchSize),
    pauseSeconds: Number(values.pauseSeconds),
    thresholds: {
      // the form asks for a percentage; the API takes a fraction (5 % → 0.05), kept exact to four places
      maxErrorRate: Math.round(Number(values.maxErrorRatePercent) * 100) / 10000,
      maxP99Millis: Number(values.maxP99Millis),
      minRequests: Number(values.minRequests),
    },
    onBreach: values.onBreach,
    start: values.start,
  };
}
