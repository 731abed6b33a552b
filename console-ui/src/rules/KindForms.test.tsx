import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RuleEditorPage } from '../pages/RuleEditorPage';
import { fakeApi } from '../test/fakeApi';
import { OPERATOR, withSession } from '../test/session';
import { compactDocument } from './KindForms';

function editor(kind: string) {
  return render(withSession(OPERATOR, <RuleEditorPage />, `/rules/${kind}/orders`, '/rules/:kind/:service'));
}

function view(kind: string, rule: unknown) {
  return { kind, service: 'orders', version: 2, deleted: false, updatedAt: '2026-12-01T10:00:00Z', updatedBy: 'alice', rule };
}

afterEach(() => vi.unstubAllGlobals());

describe('compactDocument', () => {
  it('drops empty fields and objects at every depth and keeps arrays', () => {
    expect(
      compactDocument({ a: 1, b: undefined, c: null, d: '', e: { f: undefined }, g: [{ h: 2, i: null }], j: [] }),
    ).toEqual({ a: 1, g: [{ h: 2 }], j: [] });
  });
});

describe('forms for the other rule kinds', () => {
  it('rate-limit: checks ranges and unique names before sending, and keeps fields the form does not show', async () => {
    const rule = { limits: [{ name: 'all', scope: 'local', qps: 100, burst: 20, match: { methods: ['pay'] } }] };
    const calls = fakeApi({
      'GET /api/v1/rules/rate-limit/orders': { status: 200, body: view('rate-limit', rule) },
      'PUT /api/v1/rules/rate-limit/orders': { status: 200, body: view('rate-limit', rule) },
    });
    editor('rate-limit');
    const qps = await screen.findByLabelText('Limit 1 qps');
    fireEvent.change(qps, { target: { value: '0' } });
    fireEvent.click(screen.getByTestId('add-limits'));
    fireEvent.change(await screen.findByLabelText('Limit 2 name'), { target: { value: 'all' } });
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    expect(await screen.findByText('Use more than 0 and at most 1,000,000')).toBeInTheDocument();
    expect(await screen.findAllByText('Another entry is named all: names must be unique')).toHaveLength(2);
    expect(screen.queryByRole('dialog')).toBeNull();

    fireEvent.change(screen.getByLabelText('Limit 1 qps'), { target: { value: '250' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Remove' })[1]);
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({
      limits: [{ name: 'all', scope: 'local', qps: 250, burst: 20, match: { methods: ['pay'] } }],
    });
  });

  it('circuit-breaker: the threshold depends on the strategy, and slow-call-ratio needs its time', async () => {
    const rule = {
      breakers: [{ name: 'errors', strategy: 'error-count', threshold: 0.5, minRequests: 20, windowMillis: 10000, openMillis: 5000 }],
    };
    fakeApi({ 'GET /api/v1/rules/circuit-breaker/orders': { status: 200, body: view('circuit-breaker', rule) } });
    editor('circuit-breaker');
    await screen.findByLabelText('Breaker 1 threshold');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    expect(await screen.findByText('Use a whole number of errors, at least 1')).toBeInTheDocument();
  });

  it('fault-injection: a fault needs a delay or an abort, each with its share of calls', async () => {
    const rule = { faults: [{ abort: { status: 503 } }] };
    fakeApi({ 'GET /api/v1/rules/fault-injection/orders': { status: 200, body: view('fault-injection', rule) } });
    editor('fault-injection');
    await screen.findByLabelText('Fault 1 abort status');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    expect(await screen.findByText('Give the share of calls aborted')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Fault 1 abort status'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    expect(await screen.findByText('Give a delay, an abort, or both')).toBeInTheDocument();
  });

  it('access-control: places the server errors on the policy fields by their path', async () => {
    const rule = { defaultAction: 'deny', policies: [{ name: 'frontends', action: 'allow', callers: ['web'] }] };
    fakeApi({
      'GET /api/v1/rules/access-control/orders': { status: 200, body: view('access-control', rule) },
      'PUT /api/v1/rules/access-control/orders': {
        status: 400,
        body: {
          code: 'PLATFORM-0101',
          status: 400,
          message: 'the access-control rule is invalid: 1 problem',
          errors: [{ code: 'GOV-0042', path: '$.policies[0].callers[0]', message: 'is not a valid caller identity' }],
        },
      },
    });
    editor('access-control');
    await screen.findByLabelText('Policy 1 name');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('is not a valid caller identity')).toBeInTheDocument();
    expect(screen.getByTestId('access-control-form')).toHaveTextContent('is not a valid caller identity');
  });
});
