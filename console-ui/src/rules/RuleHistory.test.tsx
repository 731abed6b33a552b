import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RuleHistory } from './RuleHistory';
import { fakeApi } from '../test/fakeApi';
import { OPERATOR, VIEWER, withSession } from '../test/session';
import type { RuleView } from '../api/types';

const version = (v: number, change: string): RuleView => ({
  kind: 'routing',
  service: 'orders',
  version: v,
  deleted: false,
  change,
  updatedAt: `2026-12-0${v}T10:00:00Z`,
  updatedBy: v === 1 ? 'alice' : 'bob',
  rule: { routes: [] },
});

const BASE = '/api/v1/rules/routing/orders';

afterEach(() => vi.unstubAllGlobals());

describe('RuleHistory', () => {
  it('lists versions newest first with who wrote them, and rolls back with the current version in If-Match', async () => {
    const calls = fakeApi({
      [`GET ${BASE}/versions`]: { status: 200, body: [version(1, 'create'), version(2, 'update')] },
      [`POST ${BASE}/rollback`]: { status: 200, body: version(3, 'rollback') },
    });
    const rolledBack = vi.fn();
    render(
      withSession(
        OPERATOR,
        <RuleHistory kind="routing" service="orders" current={version(2, 'update')} canWrite refresh={0} onRolledBack={rolledBack} />,
      ),
    );
    await screen.findByText('alice');
    const rows = screen.getAllByRole('row');
    expect(rows[1]).toHaveTextContent(/2\s*current.*update.*bob/);
    expect(rows[2]).toHaveTextContent(/1.*create.*alice/);
    expect(screen.queryByRole('button', { name: 'Roll back to v2' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Roll back to v1' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Roll back' }));
    await waitFor(() => expect(rolledBack).toHaveBeenCalledWith(version(3, 'rollback')));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ toVersion: 1 });
    expect(post.headers['If-Match']).toBe('"2"');
  });

  it('offers a viewer no rollback', async () => {
    fakeApi({ [`GET ${BASE}/versions`]: { status: 200, body: [version(1, 'create'), version(2, 'update')] } });
    render(
      withSession(
        VIEWER,
        <RuleHistory kind="routing" service="orders" current={version(2, 'update')} canWrite={false} refresh={0} onRolledBack={() => {}} />,
      ),
    );
    expect(await screen.findByText('alice')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Roll back/ })).toBeNull();
  });
});
