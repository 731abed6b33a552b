import type { RuleKind } from '../api/types';
import { EMPTY_ROUTING, toRoutingDocument } from './routing';

/** A starting document per kind for a new rule (the examples of governance-model's javadoc). */
export const TEMPLATES: Record<RuleKind, unknown> = {
  routing: toRoutingDocument(EMPTY_ROUTING),
  'timeout-retry': {
    requestTimeoutMillis: 3000,
    retry: { attempts: 2, perTryTimeoutMillis: 1000, retryOn: ['connect-failure', 'unavailable'], backoffMillis: 25 },
  },
  'rate-limit': { limits: [{ name: 'all', scope: 'local', qps: 100, burst: 20 }] },
  'circuit-breaker': {
    breakers: [
      { name: 'errors', strategy: 'error-ratio', threshold: 0.5, minRequests: 20, windowMillis: 10000, openMillis: 5000 },
    ],
  },
  'fault-injection': { faults: [{ match: { methods: ['pay'] }, delay: { fixedDelayMillis: 200, percent: 10 } }] },
  'access-control': {
    defaultAction: 'deny',
    policies: [{ name: 'frontends', action: 'allow', callers: ['web-gateway'] }],
  },
};
