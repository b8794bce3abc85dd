/** Typed clients of berth's API: HttpClient (over HTTP) and LocalClient (in-process). */
export * from './types.js';
export { HttpClient, type HttpClientOptions } from './http-client.js';
export { LocalClient } from './local-client.js';
export { connect, resolveConnection, ConfigError, DEFAULT_SERVER, type BerthConfig, type Connection, type ConnectionFlags } from './connection.js';
export { ApiError, ApiUnreachableError } from './errors.js';
export { CompactedError } from '../store/errors.js';
export { AlreadyExistsError, ConflictError, InvalidError, NotFoundError } from '../usecases/resources/errors.js';
