/**
 * HTTP requests to the API server over node:http / node:https with keep-alive. Why not Node 20's
 * global fetch: it cannot be given a custom CA (`ca` for a self-signed server certificate) without
 * the separate `undici` package, and one transport for both plain and TLS servers is one thing to
 * test. Streams (watch) are read straight from the response.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { ApiUnreachableError } from './errors.js';

export interface TransportOptions {
  server: string;
  token?: string;
  /** PEM CA certificate(s) that signed the server's certificate. */
  ca?: string | Buffer;
  /**
   * How long call() keeps retrying a 503 that carries Retry-After (the server's store is briefly
   * unreachable) before returning it; 0 returns it at once. Default 15 s.
   */
  unavailableRetryMs?: number;
}

export const DEFAULT_UNAVAILABLE_RETRY_MS = 15_000;
/** A server's Retry-After is honoured up to this, so a client never sleeps long on one word. */
const MAX_RETRY_AFTER_MS = 5_000;

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export class Transport {
  private readonly base: URL;
  private readonly agent: http.Agent;

  constructor(private readonly options: TransportOptions) {
    this.base = new URL(options.server);
    this.agent = this.base.protocol === 'https:' ? new https.Agent({ keepAlive: true, ca: options.ca }) : new http.Agent({ keepAlive: true });
  }

  get server(): string {
    return this.options.server;
  }

  /** The raw response, for streaming; the caller must consume or destroy it. */
  request(method: string, pathAndQuery: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    const url = new URL(pathAndQuery, this.base);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (payload !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const send = url.protocol === 'https:' ? https.request : http.request;
    const attempt = (retried: boolean): Promise<IncomingMessage> =>
      new Promise((resolve, reject) => {
        const req = send(url, { method, headers, agent: this.agent, signal: options.signal }, resolve);
        req.on('error', (err: NodeJS.ErrnoException) => {
          // A keep-alive socket the server closed while this request was being written: the server
          // never read the request (Node's documented race), so sending it again on a fresh
          // connection is safe, even for a POST. Anything else is a real failure.
          if (!retried && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && !options.signal?.aborted) {
            resolve(attempt(true));
            return;
          }
          reject(options.signal?.aborted ? err : new ApiUnreachableError(this.options.server, err));
        });
        req.end(payload);
      });
    return attempt(false);
  }

  /**
   * A whole response: its status and its JSON body (or text when it is not JSON). A 503 with
   * Retry-After is sent again after the time it asks for, for up to `unavailableRetryMs`: the server
   * says the request did not reach its store, so even a create or a compare-and-swap is safe to
   * repeat (at worst it then meets AlreadyExists or Conflict, as any concurrent writer could).
   */
  async call(method: string, pathAndQuery: string, options: RequestOptions = {}): Promise<{ code: number; body: unknown }> {
    const deadline = Date.now() + (this.options.unavailableRetryMs ?? DEFAULT_UNAVAILABLE_RETRY_MS);
    for (;;) {
      const res = await this.request(method, pathAndQuery, options);
      const code = res.statusCode ?? 0;
      const body = await readBody(res);
      const waitMs = code === 503 ? retryAfterMs(res.headers['retry-after']) : undefined;
      if (waitMs === undefined || Date.now() + waitMs > deadline || options.signal?.aborted) return { code, body };
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Retry-After in delta-seconds (the form berth's server sends), capped; undefined when absent or a date. */
function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Math.min(Number(header) * 1000, MAX_RETRY_AFTER_MS);
}

/** A response body as JSON (or as text when it is not JSON; undefined when empty). */
export async function readBody(res: IncomingMessage): Promise<unknown> {
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += String(chunk);
  return parseJson(text);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
