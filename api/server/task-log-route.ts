/**
 * `GET /apis/berth.dev/v1/clusters/{cluster}/tasks/{name}/log?container=&follow=&tail=&sinceSeconds=`:
 * a task container's output, proxied from the agent of the task's instance (as the Kubernetes API
 * server proxies `pods/log` to the kubelet). Needs the view role in the task's cluster. The
 * server reads the task and its instance's `spec.agent.address`, calls the agent's log server with
 * a log-reader token made for this one call and that one instance (so an agent that registered an
 * address it should not have, or captures the token, can replay it nowhere: no other agent accepts
 * it, the API refuses it, and it is revoked when the call ends), and streams the answer through;
 * when the client goes away, the call to the agent is aborted. The token is also bound to the one
 * log path it reads, and it travels only over TLS beyond loopback: to an https agent that
 * registered its certificate's SHA-256, only a server presenting that certificate gets it (the
 * token is written after the handshake is checked); a plain http address beyond loopback is refused.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { ForbiddenError } from '../auth/errors.js';
import { atLeast, roleIn } from '../auth/principal.js';
import type { TokenRegistry } from '../auth/tokens.js';
import { agentLogsPath, API_PREFIX, TASK_LOG_ROUTE } from '../paths.js';
import { NotFoundError } from '../usecases/resources/errors.js';
import type { ResourceStore } from '../usecases/resources/resource-store.js';
import { taskLogContainers } from '../usecases/tasks/log-container.js';
import { Name } from '../v1/meta.js';
import { BadRequestError } from './errors-to-status.js';
import type { ApiApp } from './meta-routes.js';
import { stateOf } from './request-state.js';
import { endWithToken } from './token-bound.js';
import { Status } from './status.js';
import { isLoopbackHost } from '../tls/loopback.js';
import { onAbort } from '../on-abort.js';

/** How long a per-call log-reader token lives, should revoking it fail: the agent checks it on arrival, within the response timeout. */
const HOP_TOKEN_TTL_MS = 20_000;

/** How long the agent may take to answer with headers (a follow stream answers at once). */
export const AGENT_RESPONSE_TIMEOUT_MS = 10_000;
const ROUTE_TEMPLATE = `${API_PREFIX}/clusters/{cluster}/tasks/{name}/log`;

const Params = z.object({ cluster: Name, name: Name });
const Bool = z.enum(['true', '1', 'false', '0']).transform((v) => v === 'true' || v === '1');
const Query = z.object({
  container: z.string().min(1).optional(),
  follow: Bool.optional(),
  tail: z.coerce.number().int().min(0).optional(),
  sinceSeconds: z.coerce.number().int().min(1).optional(),
});

export interface TaskLogRouteOptions {
  resources: ResourceStore;
  /** Mints the per-call log-reader tokens (see above); without it, 503. */
  tokens?: TokenRegistry;
  responseTimeoutMs?: number;
}

export interface TaskLogRoute {
  /** Ends every log stream in flight (server shutdown): clients see their stream end. */
  closeAll(): void;
}

export function registerTaskLogRoute(app: ApiApp, options: TaskLogRouteOptions): TaskLogRoute {
  const open = new Set<() => void>();

  app.get(TASK_LOG_ROUTE, async (request, reply) => {
    const state = stateOf(request);
    state.route = ROUTE_TEMPLATE;
    state.verb = 'get';
    const params = Params.safeParse(request.params);
    if (!params.success) throw new BadRequestError(`invalid cluster or task name: ${issues(params.error)}`);
    if (!state.principal || !atLeast(roleIn(state.principal, params.data.cluster), 'view'))
      throw new ForbiddenError(
        `${state.principal?.name ?? 'this caller'} may not read container logs in cluster ${params.data.cluster}; it needs the view role there (or an admin token)`,
      );
    const query = Query.safeParse(request.query);
    if (!query.success) throw new BadRequestError(`invalid query: ${issues(query.error)}`);
    const { cluster, name } = params.data;
    const { resources } = options;

    const task = await resources.get('Task', { cluster, name });
    if (!task) throw new NotFoundError({ kind: 'Task', cluster, name });
    const instance = task.spec.containerInstance;
    if (!instance) {
      const why = task.status?.pendingReason ? ` (${task.status.pendingReason})` : '';
      throw new BadRequestError(
        `task ${cluster}/${name} is not bound to a container instance yet${why}, so none of its containers has run; ` +
          `try again once \`berth get task ${name}\` shows its instance`,
      );
    }
    const containers = await taskLogContainers(task, (td) => resources.get('TaskDefinition', { cluster, name: td }));
    const container = query.data.container ?? containers.chosen;
    if (container === undefined) throw new BadRequestError(`task ${cluster}/${name} has no known containers; name one with container=`);
    if (containers.names.length > 0 && !containers.names.includes(container))
      throw new BadRequestError(`task ${cluster}/${name} has no container "${container}"; its containers are ${containers.names.join(', ')}`);

    const ci = await resources.get('ContainerInstance', { cluster, name: instance });
    const address = ci?.spec.agent?.address;
    if (!address)
      throw new BadRequestError(
        `the agent of instance ${instance} has no log address (it is ${ci ? 'an agent that does not serve logs (started without --logs-listen?)' : 'not registered'}); ` +
          'logs are read through the agent of the instance the task runs on',
        503,
      );
    const { tokens } = options;
    if (!tokens) throw new BadRequestError('this API server has no token registry to call agents with, so it cannot read logs', 503);
    const pin = ci?.spec.agent?.certificateSha256;

    const agentQuery = new URLSearchParams();
    if (query.data.follow) agentQuery.set('follow', '1');
    if (query.data.tail !== undefined) agentQuery.set('tail', String(query.data.tail));
    if (query.data.sinceSeconds !== undefined) agentQuery.set('since', String(Math.floor(Date.now() / 1000) - query.data.sinceSeconds));
    if (task.metadata.uid) agentQuery.set('uid', task.metadata.uid);
    let url: URL;
    try {
      url = new URL(`${agentLogsPath(name, container)}?${agentQuery.toString()}`, address);
    } catch {
      throw new BadRequestError(`the agent of instance ${instance} registered an address that is not a URL: "${address}"`, 503);
    }
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
      throw new BadRequestError(
        `the agent of instance ${instance} registered a plain http address beyond loopback (${address}); the API server sends its token there over https only: ` +
          'restart the agent with a current berth (it serves https when it listens beyond loopback), or give it an https --advertise-address',
        503,
      );

    const abort = new AbortController();
    let closing = false;
    const closeThis = () => {
      closing = true;
      abort.abort();
    };
    open.add(closeThis);
    // A followed log ends when the caller's token is revoked or expires.
    const untie = endWithToken(tokens, state, closeThis);
    // The client went away (or the response is done): stop reading from the agent.
    reply.raw.on('close', () => {
      open.delete(closeThis);
      untie();
      abort.abort();
    });
    const hopToken = await tokens.issueLogReaderToken(`api-server (logs of ${cluster}/${name})`, {
      cluster,
      instance,
      path: url.pathname,
      ttlMs: HOP_TOKEN_TTL_MS,
    });
    // The agent checks the token once, when the call arrives: it is of no use after that.
    const revokeHop = () =>
      void tokens.revoke(hopToken).catch((err: unknown) => request.log.warn({ err }, 'cannot revoke a log hop token; it expires by itself'));
    const upstream = await callAgent(url, hopToken, abort.signal, options.responseTimeoutMs ?? AGENT_RESPONSE_TIMEOUT_MS, pin)
      .finally(revokeHop)
      .catch((err: unknown) => {
        open.delete(closeThis);
        if (err instanceof AgentCertificateError) throw new BadRequestError(`the agent of instance ${instance} at ${address}: ${err.message}`, 502);
        const timedOut = err instanceof AgentTimeoutError;
        throw new BadRequestError(
          `cannot reach the agent of instance ${instance} at ${address}: ${err instanceof Error ? err.message : String(err)}; ` +
            (timedOut ? 'it accepted the connection but did not answer' : 'is the agent running, and is that address reachable from the API server?'),
          timedOut ? 504 : 503,
        );
      });
    if (upstream.statusCode !== 200) {
      open.delete(closeThis);
      throw await agentRefusal(upstream, instance);
    }
    request.log.debug({ cluster, task: name, container, instance, follow: query.data.follow ?? false }, 'streaming logs from the agent');
    // Through a PassThrough, so that our own shutdown ends the client's stream cleanly, while an
    // agent that breaks off mid-stream (it died) cuts the client's stream as an error.
    const out = new PassThrough();
    upstream.pipe(out);
    upstream.on('error', () => undefined); // reported through 'close' below
    upstream.on('close', () => {
      if (upstream.complete) return;
      if (closing) out.end();
      else out.destroy(new Error(`the log stream from the agent of instance ${instance} broke off`));
    });
    return reply.code(200).type('text/plain; charset=utf-8').header('cache-control', 'no-cache').header('x-berth-container', container).send(out);
  });

  return {
    closeAll() {
      for (const close of open) close();
      open.clear();
    },
  };
}

export class AgentTimeoutError extends Error {
  override readonly name = 'AgentTimeout';
  readonly retriable = true;
}

export class AgentCertificateError extends Error {
  override readonly name = 'AgentCertificate';
  readonly retriable = false;
}

/**
 * GET `url` with the token. With `pin` (an https agent's registered certificate SHA-256), the TLS
 * connection is made and its certificate compared first; the request, and so the token, is written
 * only to a server that presents that certificate.
 */
async function callAgent(url: URL, token: string, signal: AbortSignal, timeoutMs: number, pin: string | undefined): Promise<IncomingMessage> {
  const deadline = Date.now() + timeoutMs;
  const socket = url.protocol === 'https:' && pin !== undefined ? await connectPinned(url, pin, signal, timeoutMs) : undefined;
  const headers = { authorization: `Bearer ${token}`, accept: 'text/plain' };
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      clearTimeout(timer);
      resolve(res);
    };
    const req = socket
      ? http.request(
          { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'GET', headers, signal, createConnection: () => socket },
          onResponse,
        )
      : (url.protocol === 'https:' ? https.request : http.request)(url, { method: 'GET', headers, signal }, onResponse);
    const left = Math.max(deadline - Date.now(), 1);
    const timer = setTimeout(() => req.destroy(new AgentTimeoutError(`no answer within ${timeoutMs} ms`)), left);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

export function connectPinned(url: URL, pin: string, signal: AbortSignal, timeoutMs: number): Promise<TLSSocket> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    // Chain and name are not checked: the agent's certificate is self-signed, and what is trusted
    // is the exact certificate its agent registered with its own token, compared below.
    const socket = tls.connect({ host, port: Number(url.port || 443), rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) });
    let stopListening = (): void => undefined;
    const fail = (err: Error) => {
      clearTimeout(timer);
      stopListening();
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new AgentTimeoutError(`no TLS handshake within ${timeoutMs} ms`)), timeoutMs);
    stopListening = onAbort(signal, () => fail(new Error('the call was aborted')));
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      const seen = socket.getPeerCertificate().fingerprint256;
      if (seen !== pin)
        return fail(
          new AgentCertificateError(
            `it presented a certificate (SHA-256 ${seen || 'none'}) other than the one its agent registered (${pin}), so the API server sent it nothing; ` +
              'an agent that restarted registers its new certificate at once (try again), otherwise something else answers at that address',
          ),
        );
      clearTimeout(timer);
      stopListening();
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

/**
 * The agent said no. Its 404 and 400 are the caller's to read; its 401 and 403 are about the
 * server's own token, not the caller's, so they become 502 rather than misleading the caller.
 */
export async function agentRefusal(res: IncomingMessage, instance: string): Promise<BadRequestError> {
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += String(chunk);
  let message = text.trim().slice(0, 500);
  try {
    const parsed = Status.safeParse(JSON.parse(text));
    if (parsed.success) message = parsed.data.message;
  } catch {
    // not JSON: keep the text
  }
  const code = res.statusCode ?? 502;
  if (code === 401 || code === 403)
    return new BadRequestError(`the agent of instance ${instance} refused the API server's token (HTTP ${code}): ${message}`, 502);
  return new BadRequestError(`the agent of instance ${instance}: ${message}`, code >= 400 && code < 600 ? code : 502);
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; ');
}
