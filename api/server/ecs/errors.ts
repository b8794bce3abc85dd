/**
 * ECS's errors as the AWS JSON 1.1 protocol carries them: `{"__type": "ClusterNotFoundException",
 * "message": …}`. The service model (botocore's ecs service-2.json) gives its exceptions no HTTP
 * code, which in the JSON protocol means 400 for client errors; ServerException is a 500. The
 * authentication errors are AWS's common ones (UnrecognizedClientException, InvalidSignatureException,
 * MissingAuthenticationTokenException), which the SDKs know by name.
 */
import { ForbiddenError } from '../../auth/errors.js';
import { AlreadyExistsError, ConflictError, InvalidError, NotFoundError, formatPath } from '../../usecases/resources/errors.js';

export class EcsError extends Error {
  override readonly name = 'EcsError';
  readonly retriable = false;

  constructor(
    /** The exception's shape name, e.g. `ClusterNotFoundException`. */
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

export const invalidParameter = (message: string) => new EcsError('InvalidParameterException', message);
export const clientException = (message: string) => new EcsError('ClientException', message);

/** Which exception ECS names when an object of `kind` is missing. */
const NOT_FOUND: Record<string, string> = {
  Cluster: 'ClusterNotFoundException',
  Service: 'ServiceNotFoundException',
};

/** Any error an operation throws, as the ECS exception a client expects for it. */
export function toEcsError(err: unknown): EcsError {
  if (err instanceof EcsError) return err;
  if (!(err instanceof Error)) return new EcsError('ServerException', 'internal error', 500);
  if (err instanceof NotFoundError) return new EcsError(NOT_FOUND[err.id.kind] ?? 'ClientException', err.message);
  if (err instanceof InvalidError)
    return invalidParameter(err.issues.length > 0 ? err.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ') : err.message);
  if (err instanceof AlreadyExistsError) return invalidParameter(err.message);
  if (err instanceof ForbiddenError) return new EcsError('AccessDeniedException', err.message);
  if (err instanceof ConflictError) return new EcsError('UpdateInProgressException', err.message);
  if ('ecsCode' in err && typeof err.ecsCode === 'string') return new EcsError(err.ecsCode, err.message);
  if (err.name === 'StoreUnavailable') return new EcsError('ServerException', err.message, 500);
  return new EcsError('ServerException', 'internal error; the server log has the details', 500);
}
