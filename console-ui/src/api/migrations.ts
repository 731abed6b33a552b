/** Gray migration plans (/api/v1/migrations) and the per-instance mode switch, as platform-server answers them. */

export type TargetMode = 'mesh' | 'sdk';

export type PlanState = 'pending' | 'running' | 'paused' | 'completed' | 'rolling_back' | 'rolled_back' | 'failed';

export type BatchState = 'pending' | 'switching' | 'observing' | 'done' | 'rolled_back';

export type PlanInstanceState = 'pending' | 'switching' | 'switched' | 'failed' | 'rolling_back' | 'rolled_back';

export interface Selector {
  instances?: string[];
  labels?: Record<string, string>;
  percentage?: number;
}

export interface Thresholds {
  /** A fraction: 0.05 is 5 %. */
  maxErrorRate?: number | null;
  maxP99Millis?: number | null;
  minRequests?: number | null;
}

export interface PlanInstance {
  address: string;
  nodeId?: string | null;
  fromMode?: string | null;
  state: PlanInstanceState;
}

export interface Batch {
  index: number;
  state: BatchState;
  instances: PlanInstance[];
  startedAt?: number | null;
  finishedAt?: number | null;
}

export interface PlanEvent {
  at: number;
  message: string;
}

export interface Plan {
  id: string;
  name: string;
  service: string;
  namespace?: string;
  group?: string;
  targetMode: TargetMode;
  selector: Selector;
  batchSize: number;
  pauseSeconds: number;
  thresholds: Thresholds;
  onBreach: 'rollback' | 'pause';
  state: PlanState;
  reason?: string | null;
  currentBatch: number;
  batches: Batch[];
  events: PlanEvent[];
  createdBy: string;
  createdAt: number | string;
  updatedAt?: number | string;
}

export interface PlanRequest {
  name: string;
  service: string;
  namespace?: string;
  group?: string;
  targetMode: TargetMode;
  selector: Selector;
  batchSize: number;
  pauseSeconds: number;
  thresholds: { maxErrorRate: number; maxP99Millis: number; minRequests: number };
  onBreach: 'rollback' | 'pause';
  start: boolean;
}

export interface ModeSwitchAnswer {
  nodeId: string;
  instance: string;
  desiredMode: TargetMode;
  reportedMode: string;
}

/** Whether the plan changes by itself (running, rolling back), so its page polls. */
export function isMoving(plan: Plan | undefined): boolean {
  return !!plan && (plan.state === 'running' || plan.state === 'rolling_back');
}

export type PlanAction = 'start' | 'pause' | 'resume' | 'rollback';

/** The actions a plan in `state` offers; the server still has the last word (409 PLATFORM-0605). */
export function actionsFor(state: PlanState): PlanAction[] {
  switch (state) {
    case 'pending':
      return ['start'];
    case 'running':
      return ['pause', 'rollback'];
    case 'paused':
      return ['resume', 'rollback'];
    case 'completed':
    case 'failed':
      return ['rollback'];
    default:
      return [];
  }
}

export function doneBatches(plan: Plan): number {
  return plan.batches.filter((b) => b.state === 'done').length;
}

export const STATE_COLOURS: Record<string, string> = {
  pending: 'default',
  running: 'processing',
  paused: 'warning',
  completed: 'success',
  rolling_back: 'orange',
  rolled_back: 'purple',
  failed: 'error',
  switching: 'processing',
  observing: 'cyan',
  done: 'success',
  switched: 'success',
};

/** `rolling_back` → `rolling back`. */
export function words(state: string): string {
  return state.replace(/_/g, ' ');
}

export function when(at: number | string | null | undefined): string {
  if (at === null || at === undefined || at === '') {
    return '—';
  }
  return new Date(at).toLocaleString();
}

/** The selector in words: "2 instances", "labels zone=a", "50 % of the instances". */
export function describeSelector(selector: Selector): string {
  if (selector.instances) {
    return selector.instances.join(', ');
  }
  if (selector.labels) {
    return `instances labelled ${Object.entries(selector.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`;
  }
  if (selector.percentage !== undefined) {
    return `${selector.percentage} % of the instances`;
  }
  return '—';
}
