/**
 * HTTP errors back into the error classes ResourceStore throws, so callers catch NotFoundError,
 * ConflictError, InvalidError (with every issue) and AlreadyExistsError whichever client they hold.
 * A 410 becomes the store's CompactedError (name 'Compacted'): relist, then watch again.
 * Everything else is an ApiError carrying the HTTP code and Kubernetes reason.
 */
import { AlreadyExistsError, ConflictError, InvalidError, NotFoundError, type ResourceId } from '../resources/errors.js';
import { CompactedError } from '../store/errors.js';
import { DEFAULT_CLUSTER } from '../v1/meta.js';
import { Status } from '../server/status.js';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly retriable: boolean;
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(`${message} (HTTP ${code} ${reason})`);
    this.retriable = code >= 500 || code === 429;
  }
}

/** The server could not be reached at all (refused, reset, DNS, TLS). */
export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachable';
  readonly retriable = true;
  constructor(server: string, cause: unknown) {
    super(`cannot reach the berth API at ${server}: ${cause instanceof Error ? cause.message : String(cause)}; is the server running?`, { cause });
  }
}

/**
 * The error a non-2xx response stands for. `requestedRevision` is the revision a watch asked for,
 * for the CompactedError of a 410.
 */
export function errorFromResponse(code: number, body: unknown, requestedRevision?: number): Error {
  const parsed = Status.safeParse(body);
  if (!parsed.success) return new ApiError(code, 'Unknown', typeof body === 'string' && body !== '' ? body.slice(0, 500) : 'the server gave no Status');
  return errorFromStatus(parsed.data, requestedRevision);
}

export function errorFromStatus(status: Status, requestedRevision?: number): Error {
  const d = status.details;
  const id: ResourceId | undefined = d?.kind && d.name ? { kind: d.kind, cluster: d.cluster ?? DEFAULT_CLUSTER, name: d.name } : undefined;
  if (status.code === 410) return new CompactedError(requestedRevision ?? 0, Number(d?.resourceVersion ?? 0));
  if (id) {
    if (status.code === 404) return new NotFoundError(id);
    if (status.code === 409 && status.reason === 'AlreadyExists') return new AlreadyExistsError(id);
    if (status.code === 409 && status.reason === 'Conflict') return new ConflictError(id, d?.resourceVersion ?? '');
    if (status.code === 422)
      return new InvalidError(id, (d?.causes ?? []).map((c) => ({ path: c.path ?? c.field.split('.'), message: c.message })));
  }
  return new ApiError(status.code, status.reason, status.message);
}
