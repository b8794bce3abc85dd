/**
 * berth's REST API server, built on fastify 5 (runs on Node 20). Why fastify rather than bare
 * node:http: its router, body limits (413 before a large body is buffered), content-type parsing
 * (415 for what we do not accept, JSON parsing with prototype-poisoning protection), hooks to
 * authenticate before the body is read and to time every request, TLS through the server it is
 * given, and pino logging with a request id are all built in and battle-tested, where each would
 * be our own code, and our own bugs, on bare node:http.
 *
 * Every resource URL goes through one wildcard route and is parsed by api/paths.ts, the same
 * module the clients build URLs with.
 */
import { packageVersion } from '../package-version.js';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import Fastify, { LogController } from 'fastify';
import { authorizeMeta, authorizeScrapeToken } from '../auth/authorize.js';
import { ForbiddenError } from '../auth/errors.js';
import { rootLogger, type Logger } from '../log.js';
import { API_PREFIX, CONSOLE_PATH, metaPaths } from '../paths.js';
import type { ResourceStore } from '../usecases/resources/resource-store.js';
import type { Store } from '../store/types.js';
import { parseApiCall } from './api-call.js';
import { authenticate, authorizeCall, type ServerAuth } from './auth-hooks.js';
import { errorToStatus } from './errors-to-status.js';
import { registerAgentTokenRoute } from './agent-token-route.js';
import { registerTokenRoutes } from './token-routes.js';
import { registerMetaRoutes, type ReadinessCheck } from './meta-routes.js';
import type { Registry } from 'prom-client';
import { registerTaskLogRoute } from './task-log-route.js';
import { registerTaskSecretsRoute } from './task-secrets-route.js';
import { registerTaskStreamRoutes } from './task-stream-routes.js';
import { registerWhoamiRoute } from './whoami-route.js';
import { registerInstallationRoute } from './installation-route.js';
import { createApiMetrics } from './metrics.js';
import { assertJsonDepth, DEFAULT_MAX_WATCHES_PER_PRINCIPAL, DEFAULT_REQUEST_TIMEOUT_MS, WatchQuota } from './limits.js';
import { runObjectCall } from './object-calls.js';
import { stateOf } from './request-state.js';
import { status } from './status.js';
import { openWatchStream, type OpenWatch } from './watch-stream.js';
import { endWithToken } from './token-bound.js';
import { admissionFor } from './admission.js';
import { defaultConsoleDir, registerConsoleRoutes } from './console-route.js';
import { registerEcsEndpoint, type EcsEndpointOptions } from './ecs/endpoint.js';
import { ecsAuthenticator } from './ecs/authenticate.js';
import { isEcsRequest } from './ecs/protocol.js';
import { sigV4Verifier } from './ecs/sigv4.js';
import { AccessKeyRegistry } from '../auth/access-keys.js';
import { registerAccessKeyRoutes } from './access-key-routes.js';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_BOOKMARK_INTERVAL_MS = 10_000;
export const DEFAULT_CLOSE_GRACE_MS = 5_000;
/** What a 503 (the store unreachable) tells clients to wait before trying again. */
export const RETRY_AFTER_SECONDS = 1;

export interface ApiServerOptions {
  resources: ResourceStore;
  store: Store;
  auth: ServerAuth;
  log?: Logger;
  /** PEM certificate and key: serve https. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  bodyLimitBytes?: number;
  bookmarkIntervalMs?: number;
  /** How long close() lets in-flight requests finish before cutting their connections. */
  closeGraceMs?: number;
  version?: string;
  /** A request not fully received (headers and body) in this long is answered 408 and closed. */
  requestTimeoutMs?: number;
  /** Watch streams one principal may hold open at once; more are refused with 429. */
  maxWatchesPerPrincipal?: number;
  /** The built web console to serve at /ui (default: dist/console, console-route.ts). */
  consoleDir?: string;
  /** The process's metrics registry, which /metrics serves whole; default: one of this server's own. */
  registry?: Registry;
  /** Checks /readyz runs beyond the store's (the controller manager's: meta-routes.ts). */
  readiness?: () => Promise<ReadinessCheck[]>;
  /** ECS's own API on `POST /` (api/server/ecs): region of its ARNs, RunTask's placement check. */
  ecs?: EcsEndpointOptions;
}

export interface ApiServer {
  /** Start serving; resolves to the base URL, e.g. `https://127.0.0.1:6443`. */
  listen(host: string, port: number): Promise<string>;
  /** End every watch stream, finish in-flight requests, stop listening. */
  close(): Promise<void>;
}

const UNAUTHENTICATED: string[] = [metaPaths.healthz, metaPaths.readyz];

export function createApiServer(options: ApiServerOptions): ApiServer {
  const { resources, store, auth, tls } = options;
  const log = (options.log ?? rootLogger).child({ component: 'api-server' });
  const metrics = createApiMetrics(options.registry);
  const watches = new Set<OpenWatch>();
  const watchQuota = new WatchQuota(options.maxWatchesPerPrincipal ?? DEFAULT_MAX_WATCHES_PER_PRINCIPAL);
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Node checks the timeout on this interval (30 s by default, longer than the timeout itself).
  const timeouts = { requestTimeout, headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(1000, requestTimeout / 2) };
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Our own onResponse hook logs one line per request; fastify's own lines would double them.
    logController: new LogController({ disableRequestLogging: true }),
    // https.Server is an http.Server to the type system, so one instance type serves both.
    // A client that sends its body slowly (or never finishes it) would hold a connection forever:
    // fastify's requestTimeout applies only to servers it makes itself, so it is set here.
    serverFactory: (handler): http.Server =>
      tls ? https.createServer({ cert: tls.cert, key: tls.key, ...timeouts }, handler) : http.createServer(timeouts, handler),
    // Errors fastify raises before routing (a malformed percent-encoding in the URL) are Status
    // bodies too; fastify's own body for them is not one, and clients could not read it.
    // (Written to the raw response, as fastify writes its own: the reply here is typed for any route.)
    frameworkErrors: (err, request, reply) => {
      const refusal = errorToStatus(err, String(request.id));
      const body = JSON.stringify(refusal);
      reply.raw.writeHead(refusal.code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      reply.raw.end(body);
    },
  });

  app.decorateRequest('berth', null);
  // A merge patch is JSON; parse it with fastify's own JSON parser (same limits and protections).
  // Bodies are JSON only: without a text/plain parser such bodies get 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  // Every JSON body is checked for depth as it is parsed, before any hook or handler walks it.
  const json = app.getDefaultJsonParser('error', 'error');
  const boundedJson: typeof json = (request, body, done) =>
    json(request, body, (err, parsed) => {
      if (err) return done(err, undefined);
      try {
        assertJsonDepth(parsed);
      } catch (e) {
        return done(e instanceof Error ? e : new Error(String(e)), undefined);
      }
      done(null, parsed);
    });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, boundedJson);
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, boundedJson);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const path = request.url.split('?')[0] ?? '';
    // Judge the route the router matched, never the raw path: the router decodes percent-escapes,
    // so `/%6detrics` reaches the /metrics handler while the raw text is not "/metrics".
    const matched = request.routeOptions.url;
    const meta = Object.values<string>(metaPaths).find((p) => p === matched);
    request.berth = { route: meta ?? 'unmatched', verb: request.method.toLowerCase() };
    if (meta !== undefined && UNAUTHENTICATED.includes(meta)) return;
    // The console's page and assets (not its API calls, which carry the token): see CONSOLE_PATH.
    if (matched === CONSOLE_PATH || matched === `${CONSOLE_PATH}/*`) {
      request.berth.route = CONSOLE_PATH;
      return;
    }
    // The ECS endpoint authenticates its own callers (SigV4 signs the body) and answers in ECS's shapes.
    if (isEcsRequest(request.method, request.url, request.headers)) {
      request.berth.route = 'ecs';
      return;
    }
    const { principal, tokenSha256 } = await authenticate(auth, request);
    Object.assign(request.berth, { principal, tokenSha256 });
    const scrape = authorizeScrapeToken(principal, meta === metaPaths.metrics && request.method === 'GET', `${request.method} ${path}`);
    if (scrape.allowed === false) throw new ForbiddenError(scrape.reason);
    if (meta === metaPaths.version || meta === metaPaths.metrics) {
      const decision = authorizeMeta(principal, meta === metaPaths.version ? 'version' : 'metrics');
      if (decision.allowed === false) throw new ForbiddenError(decision.reason);
    }
    const call = parseApiCall(request.method, path, request.query);
    if (call) request.berth = { ...request.berth, call, route: call.path.template, verb: call.verb, kind: call.path.kind };
  });

  app.addHook('preHandler', async (request) => {
    const { call, principal } = stateOf(request);
    if (call && principal) request.berth = { ...stateOf(request), admit: await authorizeCall(resources, principal, call, request.body) };
  });

  // One log line per request (fastify's own two lines per request are turned off below).
  app.addHook('onResponse', async (request, reply) => {
    const state = request.berth ?? { route: 'unmatched', verb: request.method.toLowerCase() };
    metrics.observe({ verb: state.verb, route: state.route, code: reply.statusCode, kind: state.kind }, reply.elapsedTime / 1000);
    const quiet = state.route === metaPaths.healthz || state.route === metaPaths.readyz || state.route === metaPaths.metrics;
    const line = {
      method: request.method,
      url: request.url,
      verb: state.verb,
      code: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      caller: state.principal?.name,
    };
    if (quiet) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });

  app.setErrorHandler(async (err, request, reply) => {
    const body = errorToStatus(err, String(request.id));
    if (body.code >= 500) request.log.error({ err }, 'request failed');
    else request.log.debug({ code: body.code, reason: body.reason, message: body.message }, 'request refused');
    if (body.code === 401) reply.header('www-authenticate', 'Bearer realm="berth"');
    if (body.code === 503 && body.details?.retriable) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return reply.code(body.code).type('application/json').send(body);
  });

  const notFound = (method: string, url: string) => status(404, `no API endpoint ${method} ${url.split('?')[0]}; resources live under ${API_PREFIX}`);
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send(notFound(request.method, request.url)));

  registerMetaRoutes(app, { store, metrics, version: options.version ?? packageVersion(), readiness: options.readiness });
  registerAgentTokenRoute(app, auth.tokens);
  registerTokenRoutes(app, auth.tokens, resources);
  registerWhoamiRoute(app);
  registerInstallationRoute(app, store);
  const logs = registerTaskLogRoute(app, { resources, tokens: auth.tokens });
  registerTaskSecretsRoute(app, resources);
  registerConsoleRoutes(app, options.consoleDir ?? defaultConsoleDir());
  registerTaskStreamRoutes(app, { resources, tokens: auth.tokens });
  const accessKeys = new AccessKeyRegistry(store, resources.secretKeys);
  accessKeys.start(log);
  registerAccessKeyRoutes(app, accessKeys, resources);
  registerEcsEndpoint(app, { resources, authenticate: ecsAuthenticator(auth, sigV4Verifier(accessKeys)), options: options.ecs });

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: `${API_PREFIX}/*`,
    handler: async (request, reply) => {
      const { call } = stateOf(request);
      if (!call) return reply.code(404).send(notFound(request.method, request.url));
      if (call.verb === 'watch') {
        const ctx = {
          store,
          resources,
          log: request.log,
          requestId: String(request.id),
          bookmarkIntervalMs: options.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_INTERVAL_MS,
        };
        const release = watchQuota.acquire(stateOf(request).principal?.name ?? 'anonymous');
        let open: OpenWatch;
        try {
          open = await openWatchStream(ctx, call);
        } catch (err) {
          release();
          throw err;
        }
        watches.add(open);
        const untie = endWithToken(auth.tokens, stateOf(request), () => void open.stop());
        open.stream.on('close', () => {
          watches.delete(open);
          release();
          untie();
        });
        reply.raw.on('close', () => void open.stop()); // the client went away: release the store watch
        return reply.code(200).type('application/x-ndjson').header('cache-control', 'no-cache').send(open.stream);
      }
      const result = await runObjectCall(resources, call, request.body, request.headers['content-type'], admissionFor(resources, call, stateOf(request).admit));
      if ('json' in result) return reply.code(result.code).type('application/json; charset=utf-8').send(result.json);
      return reply.code(result.code).send(result.body);
    },
  });

  return {
    async listen(host, port) {
      const address = await app.listen({ host, port });
      // fastify names the scheme from its own `https` option, which serverFactory replaces.
      return tls ? address.replace(/^http:/, 'https:') : address;
    },
    async close() {
      await Promise.all([...watches].map((w) => w.stop()));
      await accessKeys.stop();
      logs.closeAll();
      const closing = app.close();
      // Idle keep-alive connections are closed at once; a connection still busy after the grace
      // period (a stuck client) is cut, so close() always ends.
      const cut = setTimeout(() => app.server.closeAllConnections(), options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS);
      try {
        await closing;
      } finally {
        clearTimeout(cut);
      }
    },
  };
}
