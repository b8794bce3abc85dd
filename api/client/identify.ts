/**
 * "Whose token is this?" asked of the API server (GET /whoami with that token). Services beside the
 * API (the agent's log server) check a caller's token this way, so only the API server ever holds
 * the token registry.
 */
import type { Principal } from '../auth/principal.js';
import { ApiError } from './errors.js';
import { HttpClient } from './http-client.js';

/** The principal of a token; undefined when the server does not know it (401). Other failures throw. */
export type IdentifyToken = (token: string) => Promise<Principal | undefined>;

export function identifyViaApi(options: { server: string; ca?: string | Buffer }): IdentifyToken {
  return async (token) => {
    const client = new HttpClient({ server: options.server, token, ...(options.ca ? { ca: options.ca } : {}) });
    try {
      return await client.whoami();
    } catch (err) {
      if (err instanceof ApiError && err.code === 401) return undefined;
      throw err;
    } finally {
      client.close();
    }
  };
}

/** Whether a token may read /metrics, asked of the API server (GET /metrics with it). Failures other than 401/403 throw. */
export type MayReadMetrics = (token: string) => Promise<boolean>;

export function metricsReaderViaApi(options: { server: string; ca?: string | Buffer }): MayReadMetrics {
  return async (token) => {
    const client = new HttpClient({ server: options.server, token, ...(options.ca ? { ca: options.ca } : {}) });
    try {
      return await client.mayReadMetrics();
    } finally {
      client.close();
    }
  };
}
