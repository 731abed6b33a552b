import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RuleEditorPage } from './RuleEditorPage';
import { fakeApi } from '../test/fakeApi';
import { OPERATOR, VIEWER, withSession } from '../test/session';

const RULE = {
  kind: 'routing',
  service: 'orders',
  version: 3,
  deleted: false,
  updatedAt: '2026-12-01T10:00:00Z',
  updatedBy: 'alice',
  rule: {
    subsets: [
      { name: 'v1', labels: { version: '1' } },
      { name: 'v2', labels: { version: '2' } },
    ],
    routes: [{ name: 'default', destinations: [{ subset: 'v1', weight: 100 }] }],
  },
};

const PATH = '/api/v1/rules/routing/orders';

function editor(roles = OPERATOR) {
  return render(withSession(roles, <RuleEditorPage />, '/rules/routing/orders', '/rules/:kind/:service'));
}

afterEach(() => vi.unstubAllGlobals());

describe('RuleEditorPage', () => {
  it('shows the diff against the current version and saves with its version in If-Match', async () => {
    const calls = fakeApi({
      [`GET ${PATH}`]: { status: 200, body: RULE, headers: { ETag: '"3"' } },
      [`PUT ${PATH}`]: { status: 200, body: { ...RULE, version: 4, updatedBy: 'olga' } },
    });
    editor();
    const labels = await screen.findByLabelText('Subset 2 labels');
    fireEvent.change(labels, { target: { value: 'version=2, zone=b' } });
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Changes against version 3')).toBeInTheDocument();
    const added = [...within(dialog).getByTestId('diff').querySelectorAll('.diff-added')].map((e) => e.textContent);
    expect(added.some((line) => /^\+\s+"zone": "b"$/.test(line ?? ''))).toBe(true);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.headers['If-Match']).toBe('"3"');
    expect(put.body).toEqual({
      ...RULE.rule,
      subsets: [RULE.rule.subsets[0], { name: 'v2', labels: { version: '2', zone: 'b' } }],
    });
    expect(await screen.findByText(/Version 4, written by olga/)).toBeInTheDocument();
  });

  it('puts the API validation errors next to the fields they concern', async () => {
    fakeApi({
      [`GET ${PATH}`]: { status: 200, body: RULE },
      [`PUT ${PATH}`]: {
        status: 400,
        body: {
          code: 'PLATFORM-0101',
          status: 400,
          message: 'the routing rule is invalid: 2 problems',
          errors: [
            { code: 'GOV-0007', path: '$.routes[0].destinations', message: 'weights sum to 90; make them sum to 100' },
            { code: 'GOV-0003', path: '$.extra', message: 'is not a field of the routing rule' },
          ],
        },
      },
    });
    editor();
    await screen.findByLabelText('Route 1 destination 1 weight');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(screen.getByTestId('route-1-destination-errors')).toHaveTextContent('weights sum to 90; make them sum to 100'),
    );
    expect(screen.getByRole('alert')).toHaveTextContent('The routing rule is invalid: 2 problems');
    expect(screen.getByTestId('rule-errors')).toHaveTextContent('$.extra is not a field of the routing rule (GOV-0003)');
  });

  it('says in plain words that someone else changed the rule', async () => {
    fakeApi({
      [`GET ${PATH}`]: { status: 200, body: RULE },
      [`PUT ${PATH}`]: {
        status: 409,
        body: { code: 'PLATFORM-0202', status: 409, message: 'version 3 is not the current version 4' },
      },
    });
    editor();
    await screen.findByLabelText('Route 1 destination 1 weight');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/Someone else changed this rule after you opened it/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reload' })).toBeInTheDocument();
  });

  it('refuses JSON that does not parse, next to the editor', async () => {
    const calls = fakeApi({ [`GET ${PATH}`]: { status: 200, body: RULE } });
    editor();
    await screen.findByLabelText('Route 1 destination 1 weight');
    fireEvent.click(screen.getByRole('tab', { name: 'JSON' }));
    const json = screen.getByLabelText('Rule JSON');
    fireEvent.change(json, { target: { value: '{{"routes": ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    expect(await screen.findByText(/The JSON is not valid/)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
  });

  it('offers a viewer no way to save', async () => {
    fakeApi({ [`GET ${PATH}`]: { status: 200, body: RULE } });
    editor(VIEWER);
    expect(await screen.findByLabelText('Route 1 destination 1 weight')).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Review and save' })).toBeNull();
  });
});
