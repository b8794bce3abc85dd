/**
 * /healthz (the process serves), /readyz, /version, /metrics.
 *
 * /readyz is ready when every check passes: the store answers (within READY_TIMEOUT_MS) and, in a
 * berth process with controllers, what the manager says (Manager.readiness: a leader is known, and
 * a leading replica's caches have synced). A standby replica is ready: it serves the API, and a
 * load balancer should send it requests. `?verbose` lists the checks, as the kube-apiserver does;
 * a failing /readyz always lists them.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { API_VERSION } from '../v1/meta.js';
import { metaPaths } from '../paths.js';
import type { ApiMetrics } from './metrics.js';

const READY_TIMEOUT_MS = 2000;

export type ApiApp = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>;

/** One readiness check (the controller kit's ReadinessCheck has this shape). */
export interface ReadinessCheck {
  name: string;
  ok: boolean;
  message: string;
}

export interface MetaDeps {
  store: Store;
  metrics: ApiMetrics;
  version: string;
  readiness?: () => Promise<ReadinessCheck[]>;
}

export function registerMetaRoutes(app: ApiApp, deps: MetaDeps): void {
  app.get(metaPaths.healthz, async (_request, reply) => reply.type('text/plain').send('ok'));

  app.get(metaPaths.readyz, async (request, reply) => {
    const checks = [await storeCheck(deps.store)];
    try {
      if (checks.every((c) => c.ok) && deps.readiness) checks.push(...(await withTimeout(deps.readiness(), READY_TIMEOUT_MS)));
    } catch (err) {
      checks.push({ name: 'controllers', ok: false, message: err instanceof Error ? err.message : String(err) });
    }
    const ok = checks.every((c) => c.ok);
    const verbose = typeof request.query === 'object' && request.query !== null && 'verbose' in request.query;
    const lines = [...checks.map((c) => `[${c.ok ? '+' : '-'}]${c.name} ${c.ok ? 'ok' : 'failed'}: ${c.message}`), `readyz check ${ok ? 'passed' : 'failed'}`];
    if (!ok) request.log.warn({ checks: checks.filter((c) => !c.ok) }, 'not ready');
    return reply
      .code(ok ? 200 : 503)
      .type('text/plain')
      .send(ok && !verbose ? 'ok' : `${lines.join('\n')}\n`);
  });

  app.get(metaPaths.version, async () => ({ version: deps.version, apiVersion: API_VERSION, node: process.version }));

  app.get(metaPaths.metrics, async (_request, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
}

async function storeCheck(store: Store): Promise<ReadinessCheck> {
  try {
    const revision = await withTimeout(store.currentRevision(), READY_TIMEOUT_MS);
    return { name: 'store', ok: true, message: `revision ${revision}` };
  } catch (err) {
    return { name: 'store', ok: false, message: `the store does not answer (${err instanceof Error ? err.message : String(err)})` };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
