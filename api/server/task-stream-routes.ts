/**
 * `GET …/clusters/{cluster}/tasks/{name}/exec?command=…&container=&tty=&stdin=` and
 * `GET …/tasks/{name}/portforward?port=N&container=`, as WebSockets (api/usecases/tasks/stream-protocol.ts):
 * the API server relays each to the agent of the task's instance, the way `logs` hops
 * (task-log-route.ts): a per-call token bound to that instance and to the one agent path (the
 * container, and for port-forward the port), sent only to the agent certificate registered, revoked
 * once the agent has taken the call. The caller needs the edit role in the task's cluster; each
 * session is recorded as an event on the task (who, which container, the command or port; never
 * environment values, none are sent).
 *
 * Everything that can refuse (role, task, container, agent address, the agent's own answer) runs
 * in a preHandler, before the caller's connection is upgraded, so a refusal is an ordinary HTTP
 * error with a Status body; only a session that has begun ends with a WebSocket close.
 *
 * @fastify/websocket (fastify's kept plugin over `ws`) because it runs the upgrade request through
 * fastify's hooks: the same authentication, request ids and error bodies as every other route.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import WebSocket from 'ws';
import { z } from 'zod';
import { ForbiddenError } from '../auth/errors.js';
import { atLeast, roleIn } from '../auth/principal.js';
import type { TokenRegistry } from '../auth/tokens.js';
import { agentExecPath, agentPortPath, API_PREFIX, TASK_EXEC_ROUTE, TASK_PORT_FORWARD_ROUTE } from '../paths.js';
import { NotFoundError } from '../usecases/resources/errors.js';
import type { ResourceStore } from '../usecases/resources/resource-store.js';
import { taskLogContainers } from '../usecases/tasks/log-container.js';
import { ExecQuery, execQueryString, PortForwardQuery } from '../usecases/tasks/stream-protocol.js';
import { Name } from '../v1/meta.js';
import { MAX_TASK_EVENTS } from '../v1/task-events.js';
import { isLoopbackHost } from '../tls/loopback.js';
import { BadRequestError } from './errors-to-status.js';
import type { ApiApp } from './meta-routes.js';
import { stateOf } from './request-state.js';
import { AGENT_RESPONSE_TIMEOUT_MS, AgentCertificateError, agentRefusal, connectPinned } from './task-log-route.js';

const HOP_TOKEN_TTL_MS = 20_000;
/** Largest WebSocket message accepted from a caller (a port-forward's TCP reads are far smaller). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** A relay pauses its source while this much is queued toward a slow receiver. */
const HIGH_WATER_BYTES = 1024 * 1024;

const Params = z.object({ cluster: Name, name: Name });

export interface TaskStreamRoutesOptions {
  resources: ResourceStore;
  tokens?: TokenRegistry;
}

/** The agent's socket, open and waiting for the caller's upgrade. */
const pending = new WeakMap<FastifyRequest, WebSocket>();

export function registerTaskStreamRoutes(app: ApiApp, options: TaskStreamRoutesOptions): void {
  void app.register(async (scope) => {
    await scope.register(fastifyWebsocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
    const route = (url: string, kind: 'exec' | 'portforward') =>
      scope.get(
        url,
        {
          websocket: true,
          preHandler: async (request) => {
            if (!request.ws)
              throw new BadRequestError(
                `${kind} is a WebSocket endpoint: connect with an Upgrade: websocket request (berth ${kind === 'exec' ? 'exec' : 'port-forward'})`,
              );
            pending.set(request, await openAgentSocket(request, kind, options));
          },
        },
        (socket, request) => {
          const agent = pending.get(request);
          pending.delete(request);
          if (!agent) return socket.close(1011, 'internal: no agent connection');
          relay(socket, agent);
        },
      );
    route(TASK_EXEC_ROUTE, 'exec');
    route(TASK_PORT_FORWARD_ROUTE, 'portforward');
  });
}

async function openAgentSocket(request: FastifyRequest, kind: 'exec' | 'portforward', options: TaskStreamRoutesOptions): Promise<WebSocket> {
  const state = stateOf(request);
  state.route = `${API_PREFIX}/clusters/{cluster}/tasks/{name}/${kind}`;
  state.verb = kind;
  const params = Params.safeParse(request.params);
  if (!params.success) throw new BadRequestError(`invalid cluster or task name: ${issues(params.error)}`);
  const { cluster, name } = params.data;
  const who = state.principal?.name ?? 'this caller';
  if (!state.principal || !atLeast(roleIn(state.principal, cluster), 'edit'))
    throw new ForbiddenError(
      `${who} may not ${kind === 'exec' ? 'run commands in' : 'forward ports to'} tasks in cluster ${cluster}; it needs the edit role there (or an admin token)`,
    );
  const query = (kind === 'exec' ? ExecQuery : PortForwardQuery).safeParse(request.query);
  if (!query.success) throw new BadRequestError(`invalid query: ${issues(query.error)}`);

  const { resources, tokens } = options;
  const task = await resources.get('Task', { cluster, name });
  if (!task) throw new NotFoundError({ kind: 'Task', cluster, name });
  const instance = task.spec.containerInstance;
  if (!instance || task.status?.lastStatus !== 'RUNNING')
    throw new BadRequestError(
      `task ${cluster}/${name} is ${task.status?.lastStatus ?? 'PROVISIONING'}, not RUNNING; ${kind} reaches the containers of a running task (\`berth get task ${name}\`)`,
      409,
    );
  const containers = await taskLogContainers(task, (td) => resources.get('TaskDefinition', { cluster, name: td }));
  const container = query.data.container ?? containers.chosen;
  if (container === undefined) throw new BadRequestError(`task ${cluster}/${name} has no known containers; name one with -c`);
  if (containers.names.length > 0 && !containers.names.includes(container))
    throw new BadRequestError(`task ${cluster}/${name} has no container "${container}"; its containers are ${containers.names.join(', ')}`);

  const ci = await resources.get('ContainerInstance', { cluster, name: instance });
  const address = ci?.spec.agent?.address;
  if (!address)
    throw new BadRequestError(`the agent of instance ${instance} serves no address to reach its containers through (started without --logs-listen?)`, 503);
  if (!tokens) throw new BadRequestError('this API server has no token registry to call agents with', 503);

  const path = 'command' in query.data ? agentExecPath(name, container) : agentPortPath(name, container, query.data.port);
  const search = new URLSearchParams('command' in query.data ? execQueryString({ ...query.data, container }) : '');
  if (task.metadata.uid) search.set('uid', task.metadata.uid);
  const url = new URL(`${path}?${search.toString()}`, address);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw new BadRequestError(
      `the agent of instance ${instance} registered a plain http address beyond loopback (${address}); the API server sends its token there over https only`,
      503,
    );

  const hopToken = await tokens.issueLogReaderToken(`api-server (${kind} in ${cluster}/${name})`, { cluster, instance, path, ttlMs: HOP_TOKEN_TTL_MS });
  try {
    const agent = await dialAgent(url, hopToken, ci?.spec.agent?.certificateSha256, instance, address);
    const what =
      'command' in query.data
        ? `exec in container ${container}: ${shellWords(query.data.command)}`
        : `port-forward to container ${container} port ${query.data.port}`;
    await recordEvent(resources, cluster, name, `${who} started ${what}`).catch((err: unknown) =>
      request.log.warn({ err, cluster, task: name }, 'cannot record the session as an event on the task'),
    );
    request.log.info({ cluster, task: name, container, instance, caller: who, kind }, 'task stream opened');
    return agent;
  } finally {
    void tokens.revoke(hopToken).catch((err: unknown) => request.log.warn({ err }, 'cannot revoke a hop token; it expires by itself'));
  }
}

/** Opens the WebSocket to the agent; a refusal or failure becomes the caller's HTTP error. */
async function dialAgent(url: URL, token: string, pin: string | undefined, instance: string, address: string): Promise<WebSocket> {
  const abort = new AbortController();
  const wsUrl = new URL(url);
  wsUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  let socket;
  try {
    socket = url.protocol === 'https:' && pin !== undefined ? await connectPinned(url, pin, abort.signal, AGENT_RESPONSE_TIMEOUT_MS) : undefined;
  } catch (err) {
    if (err instanceof AgentCertificateError) throw new BadRequestError(`the agent of instance ${instance} at ${address}: ${err.message}`, 502);
    throw unreachable(instance, address, err);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const ws = new WebSocket(wsUrl, {
    headers: { authorization: `Bearer ${token}` },
    handshakeTimeout: AGENT_RESPONSE_TIMEOUT_MS,
    maxPayload: MAX_MESSAGE_BYTES,
    ...(socket ? { createConnection: () => socket } : {}),
    ...(isIP(host) ? {} : { servername: host }),
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      agentRefusal(res, instance).then(reject, reject);
    });
    ws.once('error', (err) => reject(unreachable(instance, address, err)));
  });
}

function unreachable(instance: string, address: string, err: unknown): BadRequestError {
  return new BadRequestError(
    `cannot reach the agent of instance ${instance} at ${address}: ${err instanceof Error ? err.message : String(err)}; is the agent running, and is that address reachable from the API server?`,
    503,
  );
}

/**
 * Messages both ways unchanged, a close on either side closing the other with its code. A sender
 * faster than its receiver is paused while too much is queued (a port-forward's bulk transfer).
 */
function relay(a: WebSocket, b: WebSocket): void {
  const pipe = (from: WebSocket, to: WebSocket) => {
    from.on('message', (data, isBinary) => {
      if (to.readyState !== WebSocket.OPEN) return;
      to.send(data, { binary: isBinary }, () => {
        if (from.isPaused && to.bufferedAmount < HIGH_WATER_BYTES) from.resume();
      });
      if (to.bufferedAmount >= HIGH_WATER_BYTES) from.pause();
    });
    from.on('close', (code, reason) => {
      if (to.readyState === WebSocket.OPEN || to.readyState === WebSocket.CONNECTING) to.close(closable(code), reason);
    });
    from.on('error', () => to.terminate());
  };
  pipe(a, b);
  pipe(b, a);
}

/** 1005/1006 (no status, abnormal) may not be sent in a close frame. */
function closable(code: number): number {
  return code === 1005 || code === 1006 || code === 1015 ? 1011 : code;
}

async function recordEvent(resources: ResourceStore, cluster: string, name: string, message: string): Promise<void> {
  const event = { id: randomUUID(), createdAt: new Date().toISOString(), message };
  await resources.mutate(
    'Task',
    { cluster, name },
    (task) => {
      const status = task.status ?? { lastStatus: 'PROVISIONING', containers: [], healthStatus: 'UNKNOWN' };
      status.events = [event, ...(status.events ?? []).filter((e) => e.id !== event.id)].slice(0, MAX_TASK_EVENTS);
      task.status = status;
    },
    { subresource: 'status' },
  );
}

/** The command as a shell would show it: words with spaces or quotes in single quotes. */
export function shellWords(command: readonly string[]): string {
  return command.map((w) => (w !== '' && /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; ');
}
