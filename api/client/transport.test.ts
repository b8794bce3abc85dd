/**
 * The keep-alive race: a server that closes an idle connection just as the client reuses it. The
 * request was never read, so the transport sends it again on a fresh connection; a failure on a
 * fresh connection is reported, not retried.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiUnreachableError } from './errors.js';
import { Transport } from './transport.js';

const OK = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n{"ok":true}';

/** Answers the first request on each connection; resets the connection on the second. */
function flakyKeepAliveServer(): Promise<{ url: string; connections: () => number; close: () => void }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    let requests = 0;
    socket.on('data', () => {
      requests++;
      if (requests === 1) socket.write(OK);
      else socket.resetAndDestroy();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, connections: () => connections, close: () => server.close() });
    }),
  );
}

describe('Transport', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('sends a request again on a fresh connection when a reused keep-alive socket is reset', async () => {
    const server = await flakyKeepAliveServer();
    close = server.close;
    const transport = new Transport({ server: server.url });
    expect(await transport.call('GET', '/a')).toEqual({ code: 200, body: { ok: true } });
    expect(await transport.call('POST', '/b', { body: { x: 1 } })).toEqual({ code: 200, body: { ok: true } });
    expect(server.connections()).toBe(2);
    transport.close();
  });

  it('reports a reset on a fresh connection as unreachable', async () => {
    const server = net.createServer((socket) => socket.on('data', () => socket.resetAndDestroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    close = () => server.close();
    const { port } = server.address() as net.AddressInfo;
    const transport = new Transport({ server: `http://127.0.0.1:${port}` });
    await expect(transport.call('GET', '/a')).rejects.toBeInstanceOf(ApiUnreachableError);
    transport.close();
  });
});
