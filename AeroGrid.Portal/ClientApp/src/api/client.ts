import type { Status } from './model';

/** A refusal from the Portal or the API behind it, carrying the sentence meant for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly causes: string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message with the field-level causes a 422 lists, as one text to show. */
  get detail(): string {
    return this.causes.length === 0 ? this.message : `${this.message} ${this.causes.join(' ')}`;
  }
}

const unauthorizedListeners = new Set<() => void>();

/** Called whenever a /bff call answers 401: the session ended (or never began). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function reportUnauthorized(): void {
  for (const listener of unauthorizedListeners) listener();
}

/** Turns a failed response into an ApiError, reading the Status body the Portal sends. */
export async function errorOf(response: Response): Promise<ApiError> {
  let status: Partial<Status> = {};
  try {
    status = (await response.json()) as Partial<Status>;
  } catch {
    // Not JSON (a proxy's error page): fall back to the status line.
  }
  const causes = (status.details?.causes ?? [])
    .map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? '')))
    .filter((c) => c.length > 0);
  return new ApiError(
    response.status,
    status.reason ?? response.statusText,
    status.message ?? `The Portal answered ${response.status} ${response.statusText}.`,
    causes,
  );
}

const networkError = () =>
  new ApiError(0, 'NetworkError', 'The Portal cannot be reached. Check your connection and try again.');

/**
 * fetch against the Portal's /bff API. Every call that changes something carries the CSRF header the server
 * requires; a 401 is reported to the session before it is thrown.
 */
export async function bffFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  if (method !== 'GET' && method !== 'HEAD') headers.set('X-AeroGrid-Csrf', '1');
  let response: Response;
  try {
    response = await fetch(path, { ...init, method, headers, credentials: 'same-origin' });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw networkError();
  }
  if (response.status === 401) reportUnauthorized();
  if (!response.ok) throw await errorOf(response);
  return response;
}

/** A JSON call; `body` is sent as JSON (as a merge patch for PATCH). */
export async function bff<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  }
  const response = await bffFetch(path, {
    method,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
    signal: signal ?? null,
  });
  const text = await response.text();
  return (text.length === 0 ? undefined : JSON.parse(text)) as T;
}
