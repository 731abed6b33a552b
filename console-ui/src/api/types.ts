/** Shapes of platform-server's REST API (/api/v1), as its controllers answer them. */

export type Role = 'ADMIN' | 'OPERATOR' | 'VIEWER' | 'SIDECAR';

export interface IssuedToken {
  token: string;
  tokenType: string;
  expiresAt: string;
  subject: string;
  role: Role;
}

export interface Me {
  subject: string;
  roles: Role[];
}

export interface FieldError {
  code: string;
  path: string;
  message: string;
}

export interface ErrorBody {
  code: string;
  status: number;
  message: string;
  errors?: FieldError[];
}

export interface InstanceView {
  ip: string;
  port: number;
  cluster: string;
  healthy: boolean;
  enabled: boolean;
  ephemeral: boolean;
  mode: string;
  protocol?: string;
  metadata: Record<string, string>;
  /** Its sidecar's own report on the push stream; absent when no connected sidecar reports this instance. */
  sidecar?: SidecarReport | null;
}

export interface SidecarReport {
  nodeId: string;
  version?: string;
  mode?: string;
  configDigest?: string;
  upToDate: boolean;
  /** The mode the platform asked this instance's sidecar to run in; null when the platform never set one. */
  desiredMode?: string | null;
}

export interface ServiceView {
  namespace: string;
  group: string;
  name: string;
  instances: InstanceView[];
  meshInstances: number;
}

export const RULE_KINDS = [
  'routing',
  'timeout-retry',
  'rate-limit',
  'circuit-breaker',
  'fault-injection',
  'access-control',
] as const;

export type RuleKind = (typeof RULE_KINDS)[number];

export interface RuleView {
  kind: RuleKind;
  service: string;
  version: number;
  deleted: boolean;
  change?: string;
  updatedAt: string;
  updatedBy: string;
  rule?: unknown;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  resource: string;
  before?: unknown;
  after?: unknown;
  detail?: string;
}
