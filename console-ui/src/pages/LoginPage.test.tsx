import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter } from 'react-router-dom';
import { AuthProvider } from '../auth/AuthContext';
import { LoginPage } from './LoginPage';
import { fakeApi } from '../test/fakeApi';

afterEach(() => vi.unstubAllGlobals());

function page() {
  return render(
    <MemoryRouter>
      <AuthProvider>
        <LoginPage />
      </AuthProvider>
    </MemoryRouter>,
  );
}

describe('LoginPage', () => {
  it('asks for both fields before calling the server', async () => {
    const calls = fakeApi({});
    page();
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByText('Enter your user name')).toBeInTheDocument();
    expect(screen.getByText('Enter your password')).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it('says plainly that the user name or password is wrong', async () => {
    const calls = fakeApi({
      'POST /api/v1/auth/login': {
        status: 401,
        body: { code: 'PLATFORM-0303', status: 401, message: 'wrong user name or password' },
      },
    });
    page();
    fireEvent.change(screen.getByLabelText('User name'), { target: { value: 'admin' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong user name or password.');
    expect(calls[0].body).toEqual({ username: 'admin', password: 'nope' });
  });
});
