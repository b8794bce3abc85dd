/**
 * The agent's end of `berth exec` and `berth port-forward`: WebSocket upgrades on its log server
 * (log-server.ts, the same TLS certificate the API server pins), at
 *
 *   /v1/tasks/{task}/containers/{container}/exec?command=…&tty=&stdin=&uid=
 *   /v1/tasks/{task}/containers/{container}/ports/{port}?uid=
 *
 * for admins and the API server's per-call token bound to that path (log-auth.ts), and only for
 * containers this agent runs (by their labels). exec runs the command through the runtime's exec
 * (Docker exec) and speaks api/usecases/tasks/stream-protocol.ts; a port connection is a TCP connection to
 * the container's address on its network, made from the agent's host as the kubelet's is.
 */
import type http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../api/log.js';
import { parseAgentStreamPath } from '../../api/paths.js';
import { status } from '../../api/server/status.js';
import { CLOSE, EXEC_CHANNEL, ExecQuery, frame, messageBuffer, queryObject, TerminalSize, unframe } from '../../api/usecases/tasks/stream-protocol.js';
import type { LogCallerAuth } from './log-auth.js';
import { DOCKER_LABELS, scopeLabels, type AgentScope } from './runtime/names.js';
import type { ContainerRuntime, ContainerSummary, ExecSession } from './runtime/types.js';

const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** A container's port connection pauses reading while this much is queued toward the API server. */
const HIGH_WATER_BYTES = 1024 * 1024;

export interface StreamServerOptions {
  auth: LogCallerAuth;
  /** What of the runtime sessions use: finding the task's container, running a command in it, its address. */
  runtime: Pick<ContainerRuntime, 'listContainers' | 'exec' | 'inspectContainer'>;
  scope: AgentScope;
  log: Logger;
}

export class StreamServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  constructor(
    server: http.Server,
    private readonly options: StreamServerOptions,
  ) {
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head).catch((err: unknown) => {
        options.log.error({ err, url: req.url }, 'exec or port-forward request failed');
        refuse(socket, 500, 'internal error; the agent log has the details');
      });
    });
  }

  /** Ends every session (agent shutdown). */
  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://agent');
    const target = parseAgentStreamPath(url.pathname);
    if (!target)
      return refuse(
        socket,
        404,
        `no WebSocket endpoint ${url.pathname} here; this agent serves /v1/tasks/{task}/containers/{container}/exec and …/ports/{port}`,
      );
    const caller = await this.options.auth.check(req.headers.authorization, url.pathname);
    if (!caller.ok) return refuse(socket, caller.code, caller.message);
    const { runtime, scope } = this.options;
    const found = await runtime.listContainers({
      labels: { [DOCKER_LABELS.task]: target.task, [DOCKER_LABELS.container]: target.container, ...scopeLabels(scope) },
    });
    const container = pick(found, url.searchParams.get('uid') ?? undefined);
    if (!container)
      return refuse(socket, 404, `task ${scope.cluster}/${target.task} has no running container "${target.container}" on instance ${scope.instance}`);

    if (target.kind === 'exec') {
      const query = ExecQuery.safeParse(queryObject(url.searchParams));
      if (!query.success) return refuse(socket, 400, `invalid query: ${query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (!runtime.exec) return refuse(socket, 501, 'this agent runtime cannot run commands in containers');
      const exec = runtime.exec.bind(runtime);
      this.options.log.info({ task: target.task, container: target.container, caller: caller.principal.name }, 'exec session');
      this.wss.handleUpgrade(req, socket, head, (ws) => void this.exec(ws, (request) => exec(container.id, request), query.data));
      return;
    }
    const inspected = await runtime.inspectContainer(container.id);
    const host = inspected.ipv4Address;
    if (!host)
      return refuse(
        socket,
        409,
        `container ${target.container} of task ${target.task} has no address of its own on a network (it shares another's, as in awsvpc mode, or the host's); port-forward reaches containers on a bridge network`,
      );
    this.options.log.info({ task: target.task, container: target.container, port: target.port, caller: caller.principal.name }, 'port-forward connection');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.forward(ws, host, target.port));
  }

  private async exec(ws: WebSocket, start: (r: Parameters<NonNullable<ContainerRuntime['exec']>>[1]) => Promise<ExecSession>, query: ExecQuery): Promise<void> {
    const finish = (body: { exitCode?: number; error?: string }) => {
      if (ws.readyState === ws.OPEN) ws.send(frame(EXEC_CHANNEL.status, JSON.stringify(body)), () => ws.close(1000));
    };
    // The caller sends as soon as the socket is open (`… | berth exec -i`): what comes while the
    // command is being started is kept and handed over in order once it runs, not dropped.
    const early: Buffer[] = [];
    let deliver = (data: Buffer) => void early.push(data);
    ws.on('message', (data) => deliver(messageBuffer(data)));
    let session: ExecSession;
    try {
      session = await start({ command: query.command, tty: query.tty, stdin: query.stdin });
    } catch (err) {
      return finish({ error: err instanceof Error ? err.message : String(err) });
    }
    if (ws.readyState !== ws.OPEN) session.close();
    ws.on('close', () => session.close());
    deliver = (data) => {
      const message = unframe(data);
      if (message?.channel === EXEC_CHANNEL.stdin) session.stdin.write(message.data);
      else if (message?.channel === EXEC_CHANNEL.stdinEnd) session.stdin.end();
      else if (message?.channel === EXEC_CHANNEL.resize) {
        const size = TerminalSize.safeParse(safeJson(message.data.toString()));
        if (size.success) session.resize(size.data.cols, size.data.rows).catch((err: unknown) => this.options.log.debug({ err }, 'resize failed'));
      }
    };
    for (const data of early.splice(0)) deliver(data);
    session.stdin.on('error', () => undefined); // the process may exit before reading it all
    const sent = (stream: NodeJS.ReadableStream, channel: typeof EXEC_CHANNEL.stdout | typeof EXEC_CHANNEL.stderr) =>
      new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer) => ws.readyState === ws.OPEN && ws.send(frame(channel, chunk)));
        stream.once('end', resolve);
        stream.once('error', () => resolve());
      });
    await Promise.all([sent(session.stdout, EXEC_CHANNEL.stdout), sent(session.stderr, EXEC_CHANNEL.stderr)]);
    try {
      finish({ exitCode: await session.exitCode });
    } catch (err) {
      finish({ error: `the command ended but its exit code could not be read: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  private forward(ws: WebSocket, host: string, port: number): void {
    const tcp = net.connect({ host, port });
    let connected = false;
    tcp.once('connect', () => {
      connected = true;
      ws.on('message', (data) => {
        if (!tcp.write(messageBuffer(data))) {
          ws.pause();
          tcp.once('drain', () => ws.resume());
        }
      });
    });
    tcp.on('data', (chunk: Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(chunk, () => {
        if (tcp.isPaused() && ws.bufferedAmount < HIGH_WATER_BYTES) tcp.resume();
      });
      if (ws.bufferedAmount >= HIGH_WATER_BYTES) tcp.pause();
    });
    tcp.on('error', (err) => {
      if (ws.readyState !== ws.OPEN) return;
      if (!connected) ws.close(CLOSE.PORT_UNREACHABLE, `cannot connect to port ${port}: ${err.message}`.slice(0, 120));
      else ws.close(1011, err.message.slice(0, 120));
    });
    tcp.on('end', () => ws.readyState === ws.OPEN && ws.close(1000));
    ws.on('close', () => tcp.destroy());
  }
}

/** The task's own container (by uid), running. */
function pick(found: ContainerSummary[], uid: string | undefined): ContainerSummary | undefined {
  const mine = uid === undefined ? found : found.filter((c) => c.labels[DOCKER_LABELS.taskUid] === undefined || c.labels[DOCKER_LABELS.taskUid] === uid);
  return mine.find((c) => c.state === 'running');
}

function refuse(socket: Duplex, code: number, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(status(code, message));
  socket.end(
    `HTTP/1.1 ${code} ${code === 404 ? 'Not Found' : 'Refused'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
