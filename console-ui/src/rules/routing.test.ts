import { describe, expect, it } from 'vitest';
import {
  destinationsProblem,
  fromRoutingDocument,
  parseLabels,
  routeTargetProblem,
  routingFieldOf,
  toRoutingDocument,
} from './routing';
import { parsePath, placeErrors } from './paths';

const DOC = {
  subsets: [
    { name: 'v1', labels: { version: '1' } },
    { name: 'v2', labels: { version: '2', zone: 'a' } },
  ],
  routes: [
    {
      name: 'canary',
      match: { headers: [{ name: 'x-canary', exact: 'true' }] },
      destinations: [{ subset: 'v2' }],
    },
    {
      name: 'default',
      destinations: [
        { subset: 'v1', weight: 90 },
        { subset: 'v2', weight: 10 },
      ],
      mirror: { subset: 'v2', percent: 5 },
    },
  ],
};

describe('routing form model', () => {
  it('turns a document into form values and back unchanged', () => {
    expect(toRoutingDocument(fromRoutingDocument(DOC))).toEqual(DOC);
  });

  it('reads labels written as key=value pairs and says what is wrong with bad ones', () => {
    expect(parseLabels('version=2, zone = a')).toEqual({ labels: { version: '2', zone: 'a' } });
    expect(parseLabels('version').problem).toBe("'version' is not key=value");
    expect(parseLabels('').problem).toMatch(/at least one label/);
    expect(parseLabels('bad key=1').problem).toBe("'bad key' is not a valid label key");
  });

  it('wants weights that sum to 100 when a route has several destinations', () => {
    expect(destinationsProblem([{ subset: 'v1' }])).toBeUndefined();
    expect(destinationsProblem([{ subset: 'v1', weight: 90 }, { subset: 'v2', weight: 10 }])).toBeUndefined();
    expect(destinationsProblem([{ subset: 'v1', weight: 50 }, { subset: 'v2', weight: 10 }])).toBe(
      'weights sum to 60; make them sum to 100',
    );
    expect(destinationsProblem([{ subset: 'v1', weight: 50 }, { subset: 'v2' }])).toMatch(/needs a weight/);
  });

  it('wants exactly one of destinations and delegation', () => {
    expect(routeTargetProblem({ destinations: [], delegateTo: '' })).toMatch(/add a destination/);
    expect(routeTargetProblem({ destinations: [{ subset: 'v1' }], delegateTo: 'other' })).toMatch(/not both/);
    expect(routeTargetProblem({ destinations: [], delegateTo: 'other' })).toBeUndefined();
  });
});

describe('placing API errors on form fields', () => {
  const registered = [
    ['subsets'],
    ['subsets', 0, 'name'],
    ['subsets', 0, 'labels'],
    ['routes'],
    ['routes', 0, 'name'],
    ['routes', 0, 'destinations'],
    ['routes', 0, 'destinations', 0, 'subset'],
    ['routes', 0, 'match', 'headers', 0, 'value'],
  ];

  it('parses JSON paths', () => {
    expect(parsePath('$.routes[0].destinations[1].weight')).toEqual(['routes', 0, 'destinations', 1, 'weight']);
    expect(parsePath("$.subsets[0].labels['a.b']")).toEqual(['subsets', 0, 'labels', 'a.b']);
  });

  it('puts each error on its field, on the nearest list, or above the form', () => {
    const placed = placeErrors(
      [
        { code: 'GOV-0007', path: '$.routes[0].destinations', message: 'weights sum to 90; make them sum to 100' },
        { code: 'GOV-0009', path: '$.routes[0].destinations[0].subset', message: "'v9' is not defined" },
        { code: 'GOV-0014', path: '$.subsets[0].labels.bad key', message: 'bad label key' },
        { code: 'GOV-0008', path: '$.routes[0].match.headers[0].regex', message: 'does not compile' },
        { code: 'GOV-0012', path: '$.routes[3]', message: 'sets neither destinations nor delegateTo' },
        { code: 'GOV-0003', path: '$.extra', message: 'unknown field' },
      ],
      registered,
      routingFieldOf,
    );
    expect(placed.fields).toEqual([
      { name: ['routes', 0, 'destinations'], errors: ['weights sum to 90; make them sum to 100'] },
      { name: ['routes', 0, 'destinations', 0, 'subset'], errors: ["'v9' is not defined"] },
      { name: ['subsets', 0, 'labels'], errors: ['bad label key'] },
      { name: ['routes', 0, 'match', 'headers', 0, 'value'], errors: ['does not compile'] },
      { name: ['routes'], errors: ['sets neither destinations nor delegateTo'] },
    ]);
    expect(placed.general.map((e) => e.code)).toEqual(['GOV-0003']);
  });
});
