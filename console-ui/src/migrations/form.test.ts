import { describe, expect, it } from 'vitest';
import { placeErrors } from '../rules/paths';
import { DEFAULTS, FIELDS, labelsProblem, migrationFieldOf, toPlanRequest } from './form';

const ORDERS = {
  namespace: 'public',
  group: 'DEFAULT_GROUP',
  name: 'orders',
  instances: [],
  meshInstances: 0,
};

describe('migration form', () => {
  it('writes the plan request: selector of the chosen kind, error rate as a fraction, service coordinates', () => {
    const body = toPlanRequest(
      { ...DEFAULTS, service: 'public/DEFAULT_GROUP/orders', instances: ['127.0.0.2:8080'], maxErrorRatePercent: 2.5 },
      [ORDERS],
    );
    expect(body).toEqual({
      name: 'orders to mesh',
      service: 'orders',
      namespace: 'public',
      group: 'DEFAULT_GROUP',
      targetMode: 'mesh',
      selector: { instances: ['127.0.0.2:8080'] },
      batchSize: 1,
      pauseSeconds: 30,
      thresholds: { maxErrorRate: 0.025, maxP99Millis: 1000, minRequests: 10 },
      onBreach: 'rollback',
      start: true,
    });
    expect(
      toPlanRequest({ ...DEFAULTS, service: 'public/DEFAULT_GROUP/orders', selectorKind: 'labels', labels: 'zone=a, canary=true' }, [
        ORDERS,
      ]).selector,
    ).toEqual({ labels: { zone: 'a', canary: 'true' } });
    expect(
      toPlanRequest({ ...DEFAULTS, service: 'public/DEFAULT_GROUP/orders', selectorKind: 'percentage', percentage: 50 }, [ORDERS])
        .selector,
    ).toEqual({ percentage: 50 });
  });

  it('places the server field errors on the fields that produce them', () => {
    const placed = placeErrors(
      [
        { code: 'V', path: '$.batchSize', message: 'must be at least 1' },
        { code: 'V', path: '$.thresholds.maxErrorRate', message: 'must be between 0 and 1' },
        { code: 'V', path: '$.selector.percentage', message: 'must be between 1 and 100' },
        { code: 'V', path: '$.group', message: 'no such group' },
        { code: 'V', path: '$.owner', message: 'is not a field' },
      ],
      FIELDS,
      migrationFieldOf('percentage'),
    );
    expect(placed.fields).toEqual([
      { name: ['batchSize'], errors: ['must be at least 1'] },
      { name: ['maxErrorRatePercent'], errors: ['must be between 0 and 1'] },
      { name: ['percentage'], errors: ['must be between 1 and 100'] },
      { name: ['service'], errors: ['no such group'] },
    ]);
    expect(placed.general.map((g) => g.path)).toEqual(['$.owner']);
  });

  it('asks for at least one well-formed label', () => {
    expect(labelsProblem('')).toBe('Give at least one label, e.g. zone=a');
    expect(labelsProblem('zone')).toBe("'zone' is not key=value");
    expect(labelsProblem('zone=a')).toBeUndefined();
  });
});
