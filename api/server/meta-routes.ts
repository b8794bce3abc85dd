/** /healthz (the process serves), /readyz (and its store answers), /version, /metrics. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { API_VERSION } from '../v1/meta.js';
import { metaPaths } from '../paths.js';
import type { ApiMetrics } from './metrics.js';
import { status } from './status.js';

const READY_TIMEOUT_MS = 2000;

export type ApiApp = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>;

export function registerMetaRoutes(app: ApiApp, deps: { store: Store; metrics: ApiMetrics; version: string }): void {
  app.get(metaPaths.healthz, async (_request, reply) => reply.type('text/plain').send('ok'));

  app.get(metaPaths.readyz, async (request, reply) => {
    try {
      await withTimeout(deps.store.currentRevision(), READY_TIMEOUT_MS);
      return reply.type('text/plain').send('ok');
    } catch (err) {
      request.log.warn({ err }, 'not ready: the store does not answer');
      return reply.code(503).send(status(503, 'the store does not answer; see the server log'));
    }
  });

  app.get(metaPaths.version, async () => ({ version: deps.version, apiVersion: API_VERSION, node: process.version }));

  app.get(metaPaths.metrics, async (_request, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
