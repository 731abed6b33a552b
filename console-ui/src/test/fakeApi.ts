import { vi } from 'vitest';

export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (url: string, init: RequestInit) => FakeAnswer;

export interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * Component tests run without a platform-server, so `fetch` is replaced by handlers keyed "METHOD path" (the query
 * string ignored). Every request is recorded for assertions; an unexpected one answers 599 so the test sees it.
 */
export function fakeApi(handlers: Record<string, Handler | FakeAnswer>): Recorded[] {
  const calls: Recorded[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const path = url.split('?')[0];
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, url, headers: (init.headers ?? {}) as Record<string, string>, body });
    const handler = handlers[`${method} ${path}`];
    const answer: FakeAnswer =
      handler === undefined
        ? { status: 599, body: { code: 'TEST', status: 599, message: `unexpected ${method} ${url}` } }
        : typeof handler === 'function'
          ? handler(url, init)
          : handler;
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'Content-Type': 'application/json', ...answer.headers },
    });
  });
  return calls;
}
