/**
 * HTTP errors back into the error classes ResourceStore throws, so callers catch NotFoundError,
 * ConflictError, InvalidError (with every issue) and AlreadyExistsError whichever client they hold.
 * A 410 becomes the store's CompactedError (name 'Compacted'): relist, then watch again.
 * Everything else is an ApiError carrying the HTTP code and Kubernetes reason.
 */
import { AlreadyExistsError, ConflictError, InvalidError, NotFoundError, type ResourceId } from '../usecases/resources/errors.js';
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
  /** False when retrying cannot help: the server's certificate is not trusted. */
  readonly retriable: boolean;
  constructor(server: string, cause: unknown) {
    const tls = tlsProblem(server, cause);
    super(`cannot reach the berth API at ${server}: ${cause instanceof Error ? cause.message : String(cause)}; ${tls?.hint ?? 'is the server running?'}`, {
      cause,
    });
    this.retriable = tls?.retriable ?? true;
  }
}

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** What to do when the connection failed over TLS (or over the wrong scheme); undefined for other failures. */
export function tlsProblem(server: string, cause: unknown): { hint: string; retriable: boolean } | undefined {
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
  const message = cause instanceof Error ? cause.message : '';
  const https = server.startsWith('https:');
  if (UNTRUSTED.has(code))
    return {
      retriable: false,
      hint:
        "the server's certificate is not signed by a CA this client trusts: give the CA certificate with --ca-file FILE or BERTH_CA=FILE " +
        '(a berth that made its own certificate keeps its CA in <data-dir>/tls/ca.crt, and `berth up` records it in ~/.berth/config); ' +
        'never turn verification off',
    };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return {
      retriable: false,
      hint: "the server's certificate does not name this address: use an address it names (the one it listens on, or localhost), or give it a certificate for this one",
    };
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return {
      retriable: false,
      hint: "the server's certificate is outside its validity period (or a clock is wrong): renew it (a certificate berth made is made again when the server restarts)",
    };
  if (https && /wrong version number|packet length too long/i.test(message))
    return { retriable: false, hint: 'the server speaks plain http here: use an http:// address' };
  if (!https && (code === 'ECONNRESET' || /socket hang up/i.test(message)))
    return { retriable: true, hint: 'is the server running? If it serves https (berth does beyond loopback), use an https:// address' };
  return undefined;
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
      return new InvalidError(
        id,
        (d?.causes ?? []).map((c) => ({ path: c.path ?? c.field.split('.'), message: c.message })),
      );
  }
  return new ApiError(status.code, status.reason, status.message);
}
