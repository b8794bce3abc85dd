/**
 * `berth port-forward`: a local listener per port pair; each accepted connection opens its own
 * WebSocket to the API server (which relays it to the agent, which connects to the container's
 * port) and the bytes are copied both ways. Runs until SIGINT/SIGTERM.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { openTaskStream, type StreamConnection } from '../../../api/client/task-stream.js';
import { taskPortForwardPath } from '../../../api/paths.js';
import { CLOSE, messageBuffer } from '../../../api/usecases/tasks/stream-protocol.js';
import { formatError } from '../../output/errors.js';
import type { PortForwardFlags } from '../port-forward.js';
import { UsageError } from './apply.js';
import { taskName } from './logs.js';
import { withSession, type Io } from './run.js';
import { streamConnection } from './stream-connection.js';

export interface PortPair {
  local: number;
  remote: number;
}

/** `8080:80`, `80` (same both sides), `0:80` (any free local port). */
export function parsePortPair(text: string): PortPair {
  const m = /^(?:(\d+):)?(\d+)$/.exec(text);
  const remote = Number(m?.[2]);
  const local = m?.[1] === undefined ? remote : Number(m[1]);
  if (!m || !(remote >= 1 && remote <= 65535) || !(local >= 0 && local <= 65535))
    throw new UsageError(`"${text}" is not a port pair; use LOCAL:CONTAINER (e.g. 8080:80), or PORT for the same on both sides`);
  return { local, remote };
}

export default function runPortForward(flags: PortForwardFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster: defaultCluster }, io) => {
    const pairs = flags.ports.map(parsePortPair);
    const ref = { cluster: flags.cluster ?? defaultCluster, name: taskName(flags.task) };
    // A task that does not exist is said at once, not at the first connection.
    await client.mustGet('Task', ref);
    const connection = streamConnection(flags);
    const servers: net.Server[] = [];
    for (const pair of pairs) {
      const query = new URLSearchParams({ port: String(pair.remote), ...(flags.container !== undefined ? { container: flags.container } : {}) });
      const path = `${taskPortForwardPath(ref.cluster, ref.name)}?${query.toString()}`;
      const server = net.createServer((socket) => tunnel(socket, connection, path, pair, io));
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err) => reject(new UsageError(`cannot listen on ${flags.address}:${pair.local}: ${err.message}`)));
        server.listen(pair.local, flags.address, () => resolve());
      });
      servers.push(server);
      io.stdout.write(`Forwarding from ${flags.address}:${(server.address() as AddressInfo).port} -> ${pair.remote}\n`);
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    for (const server of servers) server.close();
    return 0;
  });
}

function tunnel(socket: net.Socket, connection: StreamConnection, path: string, pair: PortPair, io: Io): void {
  socket.pause();
  socket.on('error', () => undefined);
  openTaskStream(connection, path).then(
    (ws) => {
      io.stdout.write(`Handling connection for ${pair.local}\n`);
      socket.on('data', (chunk: Buffer) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(chunk);
      });
      socket.on('end', () => ws.close(1000));
      socket.on('close', () => ws.readyState === WebSocket.OPEN && ws.close(1000));
      ws.on('message', (data) => {
        if (!socket.write(messageBuffer(data))) {
          ws.pause();
          socket.once('drain', () => ws.resume());
        }
      });
      ws.on('close', (code, reason) => {
        if (code === CLOSE.PORT_UNREACHABLE || code >= 1011)
          io.stderr.write(`error: forwarding to port ${pair.remote}: ${reason.toString() || `closed with ${code}`}\n`);
        socket.end();
      });
      ws.on('error', () => socket.destroy());
      socket.resume();
    },
    (err: unknown) => {
      io.stderr.write(`${formatError(err)}\n`);
      socket.destroy();
    },
  );
}
