/** The REST API server: `createApiServer({resources, store, auth, log, tls})`. */
export {
  createApiServer,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_BOOKMARK_INTERVAL_MS,
  DEFAULT_CLOSE_GRACE_MS,
  type ApiServer,
  type ApiServerOptions,
} from './create-server.js';
export type { ServerAuth } from './auth-hooks.js';
export { Status, status } from './status.js';
