/**
 * Who calls the ECS endpoint. The AWS CLI and SDKs sign every request with Signature V4 and an
 * access key that berth issued (sigv4.ts); a berth bearer token (or loopback, when the server lets
 * loopback in) is taken too, so berth's own tools can use the endpoint. Refusals are AWS's own
 * errors, which clients know by name.
 */
import type { FastifyRequest } from 'fastify';
import type { ServerAuth } from '../server/auth-hooks.js';
import { authenticate } from '../server/auth-hooks.js';
import type { EcsAuthenticator } from './endpoint.js';
import { EcsError } from './errors.js';

const SIGV4 = /^AWS4-HMAC-SHA256\s/;

export interface SigV4Verifier {
  verify(request: FastifyRequest, body: string): ReturnType<EcsAuthenticator>;
}

export function ecsAuthenticator(auth: ServerAuth, sigv4?: SigV4Verifier): EcsAuthenticator {
  return async (request, body) => {
    const header = request.headers.authorization;
    if (header && SIGV4.test(header)) {
      if (!sigv4) throw new EcsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
      return sigv4.verify(request, body);
    }
    try {
      return (await authenticate(auth, request)).principal;
    } catch (err) {
      if (err instanceof Error && err.name === 'Unauthorized')
        throw !header
          ? new EcsError('MissingAuthenticationTokenException', 'Missing Authentication Token')
          : new EcsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
      throw err;
    }
  };
}
