import type { ErrorBody, FieldError } from './types';

/** A failed API call, with the platform's error body when it sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];

  constructor(status: number, code: string, message: string, errors: FieldError[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = errors;
  }

  /** The error in plain words, for a person rather than a program. */
  get plain(): string {
    return plainMessage(this);
  }
}

const TOKEN_KEY = 'dualmode.token';

let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let onUnauthenticated: () => void = () => {};

export function setToken(value: string | null): void {
  token = value;
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

export function currentToken(): string | null {
  return token;
}

/** Called when the server no longer accepts the token (expired, user deleted): the app goes back to the login page. */
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Answer<T> {
  data: T;
  etag: string | null;
}

/** Calls the API and answers the parsed body and the ETag, or throws an {@link ApiError}. */
export async function call<T>(path: string, options: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method: options.method ?? 'GET', headers, body });
  } catch {
    throw new ApiError(0, 'NETWORK', 'the platform server cannot be reached; check that it is running');
  }
  const text = await response.text();
  const parsed = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const error = toError(response.status, parsed, text);
    if (response.status === 401 && token) {
      onUnauthenticated();
    }
    throw error;
  }
  return { data: parsed as T, etag: response.headers.get('ETag') };
}

export async function get<T>(path: string): Promise<T> {
  return (await call<T>(path)).data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toError(status: number, parsed: unknown, text: string): ApiError {
  const body = parsed as Partial<ErrorBody> | undefined;
  if (body && typeof body.code === 'string') {
    return new ApiError(status, body.code, body.message ?? '', body.errors ?? []);
  }
  return new ApiError(status, `HTTP-${status}`, text.slice(0, 200) || `the server answered ${status}`);
}

const PLAIN: Record<string, string> = {
  'PLATFORM-0202':
    'Someone else changed this rule after you opened it. Reload it to see their change, then make yours again.',
  'PLATFORM-0203': 'This rule exists already; reload it and edit the current version.',
  'PLATFORM-0301': 'Your session has ended. Log in again.',
  'PLATFORM-0302': 'Your role does not allow this. Ask an admin for the operator role.',
  'PLATFORM-0303': 'Wrong user name or password.',
  'PLATFORM-0501': 'This platform server runs without its embedded registry, so it has no inventory to show.',
  'PLATFORM-0601': 'No instance is registered at this address any more; refresh the list.',
  'PLATFORM-0602':
    'No sidecar is connected for this instance, so its mode cannot be switched. Start its sidecar (connected to this platform) and try again.',
  'PLATFORM-0604': 'There is no such migration; it may have been deleted. Go back to the list of migrations.',
  'PLATFORM-0606':
    'This instance is part of an active migration; pause or roll back that migration instead of switching it by hand.',
};

export function plainMessage(error: ApiError): string {
  const known = PLAIN[error.code];
  if (known) {
    return known;
  }
  if (error.status === 0) {
    return error.message;
  }
  if (error.status >= 500) {
    return `The server failed (${error.code}): ${error.message}`;
  }
  return error.message ? capitalise(error.message) : `The request failed (${error.code}).`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Any thrown value as an ApiError, so pages can show it. */
export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) {
    return e;
  }
  return new ApiError(-1, 'CLIENT', e instanceof Error ? e.message : String(e));
}
