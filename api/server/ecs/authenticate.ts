/**
 * Who calls the ECS endpoint. The AWS CLI and SDKs sign every request with Signature V4 and an
 * access key that berth issued (sigv4.ts); a berth bearer token (or loopback, when the server lets
 * loopback in) is taken too, so berth's own tools can use the endpoint. Refusals are AWS's own
 * errors, which clients know by name.
 */
import type { FastifyRequest } from 'fastify';
import type { ServerAuth } from '../auth-hooks.js';
import { authenticate } from '../auth-hooks.js';
import type { EcsAuthenticator } from './endpoint.js';
import { EcsError } from './errors.js';
import type { Principal } from '../../auth/principal.js';

const SIGV4 = /^AWS4-HMAC-SHA256\s/;

export interface SigV4Verifier {
  /** Refuses a malformed Authorization header or a key berth does not know, from the headers alone. */
  checkKey(request: FastifyRequest): Promise<void>;
  verify(request: FastifyRequest, body: string): Promise<Principal>;
}

const unrecognized = () => new EcsError('UnrecognizedClientException', 'The security token included in the request is invalid.');

export function ecsAuthenticator(auth: ServerAuth, sigv4?: SigV4Verifier): EcsAuthenticator {
  const isSigV4 = (request: FastifyRequest) => SIGV4.test(request.headers.authorization ?? '');
  return {
    async beforeBody(request) {
      if (!isSigV4(request)) return;
      if (!sigv4) throw unrecognized();
      await sigv4.checkKey(request);
    },
    async principal(request, body) {
      if (isSigV4(request)) {
        if (!sigv4) throw unrecognized();
        return sigv4.verify(request, body);
      }
      return bearer(auth, request);
    },
  };
}

async function bearer(auth: ServerAuth, request: FastifyRequest): Promise<Principal> {
  try {
    return (await authenticate(auth, request)).principal;
  } catch (err) {
    if (err instanceof Error && err.name === 'Unauthorized')
      throw !request.headers.authorization ? new EcsError('MissingAuthenticationTokenException', 'Missing Authentication Token') : unrecognized();
    throw err;
  }
}
