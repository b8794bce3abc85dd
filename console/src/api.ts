/**
 * Calls to berth's API from the browser: the same URLs the CLI uses (api/paths.ts), the bearer
 * token from the session. The objects are the API's own, written through its zod schemas; the
 * console reads them with those schemas' types and does not re-validate them (the schemas would
 * multiply the bundle's size several times over).
 */
import { session } from './session.js';

/** What the API answered when it refused: its Status body's message and code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function authHeaders(token = session.token()): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** An error from a refused response; a 401 also signs out (the token was revoked or expired). */
export async function errorOf(res: Response): Promise<ApiError> {
  let message = `HTTP ${res.status}`;
  try {
    const body: unknown = await res.json();
    if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') message = body.message;
  } catch {
    // not a Status body: keep the code
  }
  if (res.status === 401) session.signOut();
  return new ApiError(res.status, message);
}

export async function request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
  const headers: Record<string, string> = { ...authHeaders(), accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = contentType;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw await errorOf(res);
  return res.status === 204 ? undefined : res.json();
}

export const getJson = (path: string) => request('GET', path);
export const mergePatch = (path: string, patch: unknown) => request('PATCH', path, patch, 'application/merge-patch+json');
export const putJson = (path: string, body: unknown) => request('PUT', path, body);
