import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import dayjs from 'dayjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditPage, auditQuery } from './AuditPage';
import { fakeApi } from '../test/fakeApi';
import { VIEWER, withSession } from '../test/session';

afterEach(() => vi.unstubAllGlobals());

describe('AuditPage', () => {
  it('builds the query string of the audit API from the filters', () => {
    const q = new URLSearchParams(
      auditQuery({
        actor: ' alice ',
        resource: 'rule:routing/*',
        action: '',
        range: [dayjs('2026-12-01T00:00:00Z'), null],
        limit: 50,
      }),
    );
    expect(Object.fromEntries(q)).toEqual({
      actor: 'alice',
      resource: 'rule:routing/*',
      from: '2026-12-01T00:00:00.000Z',
      limit: '50',
    });
  });

  it('filters by actor and shows a failed request in words instead of a blank page', async () => {
    const calls = fakeApi({
      'GET /api/v1/audit': (url) =>
        url.includes('actor=bob')
          ? { status: 400, body: { code: 'PLATFORM-0401', status: 400, message: 'from is bad' } }
          : {
              status: 200,
              body: [{ id: '1', at: '2026-12-01T10:00:00Z', actor: 'alice', action: 'rule.update', resource: 'rule:routing/orders' }],
            },
    });
    render(withSession(VIEWER, <AuditPage />));
    expect(await screen.findByText('rule:routing/orders')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Actor'), { target: { value: 'bob' } });
    fireEvent.click(screen.getByRole('button', { name: 'Filter' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('From is bad');
    await waitFor(() => expect(calls.at(-1)!.url).toContain('actor=bob'));
  });

  it('refuses a limit the API would refuse', async () => {
    const calls = fakeApi({ 'GET /api/v1/audit': { status: 200, body: [] } });
    render(withSession(VIEWER, <AuditPage />));
    const limit = screen.getByLabelText('Limit');
    fireEvent.change(limit, { target: { value: '5000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Filter' }));
    expect(await screen.findByText('Show 1 to 1000 entries')).toBeInTheDocument();
    expect(calls.every((c) => c.url.includes('limit=100'))).toBe(true);
  });
});
