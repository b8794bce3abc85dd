/**
 * The agent's own /metrics (`berth agent --metrics-listen HOST:PORT`): the series of its registry
 * (container starts, failures, start latency) in Prometheus's text format, for a Prometheus that
 * scrapes each instance. Readable as the API server's /metrics is: with a scrape token
 * (`berth token create --role scrape`) or an admin token, which the API server judges (the agent
 * holds no token registry); anything else is refused.
 *
 * A token the API server allowed is believed for ALLOWED_FOR_MS, so a scrape does not cost the API
 * server a metrics render of its own each time; a revoked token reads for that long at most.
 * Refusals are not kept. Plain http: what it serves is counters, and the token only reads them.
 */
import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { MayReadMetrics } from '../../api/client/identify.js';
import type { Logger } from '../../api/log.js';
import { metaPaths } from '../../api/paths.js';
import { parseLogsListen } from './log-address.js';

export interface MetricsServerOptions {
  /** HOST:PORT; port 0 picks a free one. */
  listen: string;
  registry: Registry;
  mayRead: MayReadMetrics;
  log: Logger;
  now: () => number;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
export const ALLOWED_FOR_MS = 30_000;
/** Tokens remembered at once: a scraper or two per instance; more only while someone tries many. */
const MAX_REMEMBERED = 64;

type Verdict = { ok: true } | { ok: false; code: 401 | 403 | 503; message: string };

export class MetricsServer {
  private readonly server: http.Server;
  /** SHA-256 of a token → until when it is believed. */
  private readonly allowed = new Map<string, number>();

  constructor(private readonly options: MetricsServerOptions) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  /** Listens; resolves to the bound `host:port`. */
  async start(): Promise<string> {
    const { host, port } = parseLogsListen(this.options.listen);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const bound = this.server.address() as AddressInfo;
    const address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
    this.options.log.info({ address }, 'agent metrics served');
    return address;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== metaPaths.metrics) return send(res, 404, `not found: this agent serves ${metaPaths.metrics} only`);
    if (req.method !== 'GET') return send(res, 405, `${metaPaths.metrics} takes GET only`);
    const verdict = await this.check(req.headers.authorization);
    if (!verdict.ok) return send(res, verdict.code, verdict.message);
    try {
      const body = await this.options.registry.metrics();
      res.writeHead(200, { 'content-type': this.options.registry.contentType });
      res.end(body);
    } catch (err) {
      this.options.log.warn({ err }, 'cannot render the agent metrics');
      send(res, 500, 'cannot render the metrics');
    }
  }

  private async check(authorization: string | undefined): Promise<Verdict> {
    if (authorization === undefined)
      return { ok: false, code: 401, message: 'no bearer token: pass "Authorization: Bearer <scrape token>" (berth token create --role scrape)' };
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) return { ok: false, code: 401, message: 'the Authorization header is not "Bearer <token>"' };
    const key = createHash('sha256').update(token).digest('hex');
    const now = this.options.now();
    if ((this.allowed.get(key) ?? 0) > now) return { ok: true };
    let may: boolean;
    try {
      may = await this.options.mayRead(token);
    } catch (err) {
      this.options.log.warn({ err }, "cannot check a scraper's token with the API server");
      return { ok: false, code: 503, message: 'cannot check the token with the API server right now; try again' };
    }
    if (!may)
      return {
        ok: false,
        code: 403,
        message: 'the API server does not let this token read metrics; use a scrape token (berth token create --role scrape) or an admin one',
      };
    if (this.allowed.size >= MAX_REMEMBERED) this.allowed.clear();
    this.allowed.set(key, now + ALLOWED_FOR_MS);
    return { ok: true };
  }
}

function send(res: ServerResponse, code: number, message: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}
