/**
 * Opens one of the API server's task WebSockets (exec, port-forward; api/usecases/tasks/stream-protocol.ts)
 * with the caller's token and CA. A refusal (no role, no such task, agent unreachable…) arrives as
 * an ordinary HTTP answer with a Status body, and becomes the same error a REST call would throw.
 */
import WebSocket from 'ws';
import { ApiUnreachableError, errorFromResponse } from './errors.js';

export interface StreamConnection {
  server: string;
  token?: string;
  ca?: Buffer;
}

const HANDSHAKE_TIMEOUT_MS = 30_000;

export function openTaskStream(connection: StreamConnection, pathAndQuery: string): Promise<WebSocket> {
  const url = new URL(pathAndQuery, connection.server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url, {
    headers: connection.token ? { authorization: `Bearer ${connection.token}` } : {},
    handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    ...(connection.ca ? { ca: connection.ca } : {}),
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        reject(errorFromResponse(res.statusCode ?? 502, body));
      });
    });
    ws.once('error', (err) => reject(new ApiUnreachableError(connection.server, err)));
  });
}
