/**
 * ECS's own API on berth's API server: `POST /` with `X-Amz-Target:
 * AmazonEC2ContainerServiceV20141113.<Operation>` and an AWS JSON 1.1 body, answered as ECS
 * answers, so the AWS CLI, the SDKs and ECS deploy tooling work with `--endpoint-url`. The caller
 * is authenticated here (SigV4 with a berth access key, or a berth bearer token) rather than by the
 * server's bearer hook, because SigV4 signs the body and because every refusal must be ECS-shaped.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiApp } from '../meta-routes.js';
import { accountIdFor, DEFAULT_REGION, type ArnContext } from '../../v1/arn.js';
import type { ResourceStore } from '../../usecases/resources/resource-store.js';
import { ensureInstallation } from '../../store/installation.js';
import { assertJsonDepth } from '../limits.js';
import type { PlacementCheck } from '../../usecases/tasks/create-tasks.js';
import type { BerthClient } from '../../client/types.js';
import type { Principal } from '../../auth/principal.js';
import { CallerClient } from './caller-client.js';
import { EcsError, toEcsError } from './errors.js';
import { AMZ_JSON, operationOf } from './protocol.js';
import { loadOnce } from '../../load-once.js';

export interface EcsEndpointOptions {
  /** The region in ARNs (default us-east-1, the region of ECS's examples). */
  region?: string;
  /** RunTask's placement check (controllers/scheduler/feasibility.ts), given by whoever runs the controllers. */
  placement?: (client: BerthClient) => PlacementCheck;
  now?: () => Date;
}

/** Who the caller of an ECS request is; each step throws an EcsError shaped as AWS's authentication errors. */
export interface EcsAuthenticator {
  /** What the headers alone can refuse (a missing or malformed signature, a key berth does not know), before the body is read. */
  beforeBody(request: FastifyRequest): Promise<void>;
  /** The caller, once the body (which a signature covers) has been read. */
  principal(request: FastifyRequest, body: string): Promise<Principal>;
}

export function registerEcsEndpoint(app: ApiApp, deps: { resources: ResourceStore; authenticate: EcsAuthenticator; options?: EcsEndpointOptions }): void {
  const { resources, authenticate, options = {} } = deps;
  let arn: Promise<ArnContext> | undefined;
  const arnContext = () => {
    arn ??= ensureInstallation(resources.store).then(
      (i) => ({ region: options.region ?? DEFAULT_REGION, accountId: accountIdFor(i.uid) }),
      (err: unknown) => {
        arn = undefined;
        throw err;
      },
    );
    return arn;
  };

  // The operations (every ECS call berth serves, and the model's list of them) are loaded on the
  // first ECS request: a server that is never driven through the ECS API does not carry them.
  const loadOperations = loadOnce(() => Promise.all([import('./operations.js'), import('./model-operations.js')]));

  // The body stays text until the signature over it is checked.
  app.addContentTypeParser(AMZ_JSON, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  // An unknown key or a malformed signature is refused from the headers: a caller without a key
  // berth issued cannot make the server read (and hold) a body.
  const refuseEarly = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await authenticate.beforeBody(request);
    } catch (err) {
      const ecs = toEcsError(err);
      request.log.debug({ type: ecs.type, message: ecs.message }, 'ECS request refused before its body');
      return send(reply, ecs.statusCode, { __type: ecs.type, message: ecs.message });
    }
  };

  app.post('/', { onRequest: refuseEarly }, async (request, reply) => {
    try {
      const op = operationOf(request.headers['x-amz-target']);
      const text = typeof request.body === 'string' ? request.body : '';
      const principal = await authenticate.principal(request, text);
      if (request.berth) request.berth = { ...request.berth, principal, verb: op ?? 'unknown' };
      const [{ OPERATIONS }, { MODEL_OPERATIONS }] = await loadOperations();
      if (op === undefined || !MODEL_OPERATIONS.has(op))
        throw new EcsError('UnknownOperationException', `${String(request.headers['x-amz-target'])} is not an operation of Amazon ECS`);
      const serve = OPERATIONS[op];
      if (!serve) throw new EcsError('UnsupportedFeatureException', `${op} is not supported by this endpoint (berth)`);
      if (!String(request.headers['content-type'] ?? '').startsWith(AMZ_JSON)) throw new EcsError('SerializationException', `send the body as ${AMZ_JSON}`);
      const body = parseJson(text);
      const client = new CallerClient(resources, principal);
      const result = await serve(
        { client, resources, principal, arn: await arnContext(), now: options.now ?? (() => new Date()), placement: options.placement?.(client) },
        body,
      );
      return send(reply, 200, result);
    } catch (err) {
      const ecs = toEcsError(err);
      if (ecs.statusCode >= 500) request.log.error({ err }, 'ECS request failed');
      else request.log.debug({ type: ecs.type, message: ecs.message }, 'ECS request refused');
      return send(reply, ecs.statusCode, { __type: ecs.type, message: ecs.message });
    }
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EcsError('SerializationException', 'the request body is not JSON');
  }
  try {
    assertJsonDepth(parsed);
  } catch (err) {
    throw new EcsError('SerializationException', err instanceof Error ? err.message : 'the request body nests too deeply');
  }
  return parsed;
}

function send(reply: FastifyReply, code: number, body: unknown) {
  return reply
    .code(code)
    .header('x-amzn-requestid', String(reply.request.id))
    .type(AMZ_JSON)
    .send(Buffer.from(JSON.stringify(body)));
}
