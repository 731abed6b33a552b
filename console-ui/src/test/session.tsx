import type { ReactNode } from 'react';
import { App as AntApp } from 'antd';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { StaticSession, type Session } from '../auth/AuthContext';
import type { Role } from '../api/types';

export function session(roles: Role[]): Session {
  return {
    user: { subject: roles.includes('OPERATOR') ? 'olga' : 'vic', roles },
    checking: false,
    canWrite: roles.includes('OPERATOR'),
    login: async () => {},
    logout: () => {},
  };
}

export const OPERATOR: Role[] = ['OPERATOR', 'VIEWER'];
export const VIEWER: Role[] = ['VIEWER'];

/** Renders `element` at `path` (matched by `pattern`) with a session of these roles. */
export function withSession(roles: Role[], element: ReactNode, path = '/', pattern = '*') {
  return (
    <AntApp>
      <StaticSession value={session(roles)}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={pattern} element={element} />
          </Routes>
        </MemoryRouter>
      </StaticSession>
    </AntApp>
  );
}
