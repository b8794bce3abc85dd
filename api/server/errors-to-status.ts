/**
 * Every error a request can end in, as a Status. Typed errors are mapped by their stable `name`;
 * fastify's own errors (body too large, wrong content type, bad JSON) keep their HTTP status; all
 * else is a 500 whose message names the request id, never a stack.
 */
import { AlreadyExistsError, ConflictError, InvalidError, NotFoundError, formatPath } from '../usecases/resources/errors.js';
import { CompactedError } from '../store/errors.js';
import { status, type Status } from './status.js';

/** A request the server refuses before it reaches the resource layer. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequest';
  constructor(
    message: string,
    readonly code = 400,
  ) {
    super(message);
  }
}

const hasStatusCode = (err: Error): err is Error & { statusCode: number } =>
  'statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500;

export function errorToStatus(err: unknown, requestId: string): Status {
  if (!(err instanceof Error)) return internal(requestId);
  if (err instanceof NotFoundError) return status(404, err.message, { details: { ...err.id } });
  if (err instanceof AlreadyExistsError) return status(409, err.message, { reason: 'AlreadyExists', details: { ...err.id } });
  if (err instanceof ConflictError)
    return status(409, err.message, { reason: 'Conflict', details: { ...err.id, resourceVersion: err.expected, retriable: true } });
  if (err instanceof InvalidError)
    return status(422, err.message, {
      details: { ...err.id, causes: err.issues.map((i) => ({ field: formatPath(i.path), message: i.message, path: i.path })) },
    });
  if (err instanceof CompactedError) return status(410, err.message, { reason: 'Expired', details: { resourceVersion: String(err.compactRevision) } });
  switch (err.name) {
    case 'BadRequest':
      return status(err instanceof BadRequestError ? err.code : 400, err.message);
    case 'InvalidContinue':
    case 'InvalidLabelSelector':
      return status(400, err.message);
    case 'Unauthorized':
      return status(401, err.message);
    case 'Forbidden':
      return status(403, err.message);
    case 'ObjectTooLarge':
      return status(413, err.message);
    case 'SecretsKeyError':
      // The server's configuration, not the request: the message names the key file or flag, never a value.
      return status(500, err.message);
    case 'StoreUnavailable':
      return status(503, err.message, { details: { retriable: true } });
  }
  if (hasStatusCode(err)) return status(err.statusCode, err.message);
  return internal(requestId);
}

function internal(requestId: string): Status {
  return status(500, `internal error; the server log has the details under request id ${requestId}`, { details: { retriable: true } });
}
