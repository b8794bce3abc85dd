/**
 * The agent's log server (what the kubelet's API is to `kubectl logs`): the API server calls
 *
 *   GET /v1/tasks/{task}/containers/{container}/logs?follow=1&tail=N&since=UNIX_SECONDS&uid=TASK_UID
 *
 * and gets the container's stdout and stderr as text, streaming while `follow` is set. Only
 * containers this agent runs for its own installation, cluster and instance are served (found by their labels),
 * and only to admins and the API server's log-reader token (log-auth.ts). Plain node:http: one route, no body, nothing fastify would add.
 *
 * Listening beyond loopback, it serves https with a self-signed certificate made at every start (its
 * key never leaves memory) and registers the certificate's SHA-256 beside its address: the API
 * server, which trusts the registration because it came with this agent's token, connects only to a
 * server presenting that certificate. No CA to distribute to agents, and a replaced agent simply
 * registers its new certificate. On loopback it serves plain http, as the API server does.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { Principal } from '../../api/auth/principal.js';
import type { Logger } from '../../api/log.js';
import { parseAgentLogsPath } from '../../api/paths.js';
import { status } from '../../api/server/status.js';
import { certificateSha256, issueServerCertificate } from '../../api/tls/certificates.js';
import { isLoopbackHost } from '../../api/tls/loopback.js';
import { AgentConfigError } from './errors.js';
import { advertisedLogsAddress, parseLogsListen } from './log-address.js';
import { LogCallerAuth } from './log-auth.js';
import { StreamServer } from './stream-server.js';
import { DOCKER_LABELS, scopeLabels, type AgentScope } from './runtime/names.js';
import type { ContainerRuntime, ContainerSummary } from './runtime/types.js';

export interface LogServerOptions {
  /** HOST:PORT; port 0 picks a free one. */
  listen: string;
  /** A URL (used as is) or a host (with the bound port) to register; default: see advertisedLogsAddress. */
  advertiseAddress?: string;
  /** The principal a bearer token stands for, asked of the API server; undefined for an unknown token. */
  identify: (token: string) => Promise<Principal | undefined>;
  runtime: ContainerRuntime;
  /** Only this agent's containers are served. */
  scope: AgentScope;
  log: Logger;
  now: () => number;
}

const Bool = z.enum(['true', '1', 'false', '0']).transform((v) => v === 'true' || v === '1');
const Query = z.object({
  follow: Bool.optional(),
  tail: z.coerce.number().int().min(0).optional(),
  since: z.coerce.number().int().min(0).optional(),
  uid: z.string().min(1).optional(),
});

/** What the agent registers for the API server to call. */
export interface LogServerAddress {
  /** e.g. `https://10.0.0.5:51678` */
  address: string;
  /** SHA-256 of the certificate served (https only). */
  certificateSha256?: string;
}

/** The self-signed certificate is made anew at every start; a year outlasts any agent's run between restarts. */
const CERT_VALID_DAYS = 365;

export class LogServer {
  private readonly server: http.Server;
  private readonly auth: LogCallerAuth;
  private readonly streams = new Set<{ source: Readable; res: ServerResponse }>();
  private readonly secure: boolean;
  /** The same server when it serves https: its certificate is set once the address is known. */
  private readonly tlsServer: https.Server | undefined;
  private address: string | undefined;
  /** exec and port-forward, upgrades on this same server. */
  private readonly sessions: StreamServer;

  constructor(private readonly options: LogServerOptions) {
    this.auth = new LogCallerAuth(options.identify, { cluster: options.scope.cluster, instance: options.scope.instance }, options.log);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => {
        options.log.error({ err, url: req.url }, 'log request failed');
        if (!res.headersSent) send(res, 500, 'internal error; the agent log has the details');
        else res.destroy();
      });
    };
    this.secure = !isLoopbackHost(parseLogsListen(options.listen).host);
    this.tlsServer = this.secure ? https.createServer({}, handler) : undefined;
    this.server = this.tlsServer ?? http.createServer(handler);
    this.sessions = new StreamServer(this.server, { auth: this.auth, runtime: options.runtime, scope: options.scope, log: options.log });
  }

  /** Starts listening; resolves to the address to register (e.g. `https://10.0.0.5:51678`) and, over https, the certificate's SHA-256. */
  async start(): Promise<LogServerAddress> {
    const { host, port } = parseLogsListen(this.options.listen);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) =>
        reject(new AgentConfigError(`the agent's log server cannot listen on ${this.options.listen}: ${err.message}; choose another --logs-listen`));
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    const bound = this.server.address() as AddressInfo;
    this.address = advertisedLogsAddress({ host, port: bound.port }, this.options.advertiseAddress, undefined, this.secure ? 'https' : 'http');
    if (!this.tlsServer) {
      this.options.log.info({ listen: `${host}:${bound.port}`, address: this.address }, 'log server is listening');
      return { address: this.address };
    }
    const { cluster, instance } = this.options.scope;
    const advertised = new URL(this.address).hostname.replace(/^\[|\]$/g, '');
    const made = issueServerCertificate({
      commonName: `berth agent ${cluster}/${instance}`,
      hosts: [advertised, 'localhost', '127.0.0.1'],
      validDays: CERT_VALID_DAYS,
    });
    this.tlsServer.setSecureContext({ cert: made.cert, key: made.key });
    const certificateSha256Value = certificateSha256(made.cert);
    this.options.log.info(
      { listen: `${host}:${bound.port}`, address: this.address, certificateSha256: certificateSha256Value },
      'log server is listening (https)',
    );
    return { address: this.address, certificateSha256: certificateSha256Value };
  }

  /** Ends every log stream (clients see their stream end) and stops listening. */
  async stop(): Promise<void> {
    for (const { source, res } of this.streams) {
      source.destroy();
      res.end();
    }
    this.streams.clear();
    this.sessions.close();
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://agent');
    const target = parseAgentLogsPath(url.pathname);
    if (!target) return send(res, 404, `no endpoint ${url.pathname} here; this agent serves GET /v1/tasks/{task}/containers/{container}/logs`);
    if (req.method !== 'GET') return send(res, 405, `${req.method ?? ''} is not allowed; use GET`);
    const caller = await this.auth.check(req.headers.authorization, url.pathname);
    if (!caller.ok) return send(res, caller.code, caller.message);
    const query = Query.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) return send(res, 400, `invalid query: ${query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);

    const { runtime, scope } = this.options;
    const { cluster, instance } = scope;
    const found = await runtime.listContainers({
      labels: { [DOCKER_LABELS.task]: target.task, [DOCKER_LABELS.container]: target.container, ...scopeLabels(scope) },
    });
    const container = pick(found, query.data.uid);
    if (!container)
      return send(
        res,
        404,
        `task ${cluster}/${target.task} has no container "${target.container}" on instance ${instance}: ` +
          'it was not created yet (the task is still starting), or was removed after the task stopped',
      );
    let source: Readable;
    try {
      source = await runtime.logs(container.id, { follow: query.data.follow ?? false, tail: query.data.tail, since: query.data.since });
    } catch (err) {
      if (err instanceof Error && err.name === 'ContainerNotFound')
        return send(res, 404, `container ${container.name} of task ${target.task} was removed just now`);
      throw err;
    }
    this.options.log.debug(
      { task: target.task, container: target.container, caller: caller.principal.name, follow: query.data.follow ?? false },
      'serving logs',
    );
    const entry = { source, res };
    this.streams.add(entry);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
    res.flushHeaders(); // a follow stream with nothing to say yet still answers at once
    source.pipe(res);
    source.on('error', (err) => {
      this.options.log.warn({ err, task: target.task, container: target.container }, 'log stream from the engine failed');
      res.destroy(err);
    });
    // The caller went away (or we are done): stop reading from the engine.
    res.on('close', () => {
      this.streams.delete(entry);
      source.destroy();
    });
  }
}

/** The task's own container (by uid, when the caller knows it); a running one before a stopped one. */
function pick(found: ContainerSummary[], uid: string | undefined): ContainerSummary | undefined {
  const mine = uid === undefined ? found : found.filter((c) => c.labels[DOCKER_LABELS.taskUid] === undefined || c.labels[DOCKER_LABELS.taskUid] === uid);
  return mine.find((c) => c.state === 'running') ?? mine[0];
}

function send(res: ServerResponse, code: number, message: string): void {
  const body = JSON.stringify(status(code, message));
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
