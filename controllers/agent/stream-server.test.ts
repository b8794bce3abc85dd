/**
 * The agent's exec endpoint keeps what the caller sends while the command is being started: a
 * piped `berth exec -i` sends its input and its end at once, and the runtime takes a moment to
 * start the command (Docker's exec create and start). Input that came then was dropped, so
 * `echo twelve bytes | berth exec -i t -- wc -c` printed 0 now and then (test/cli-exec.test.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rootLogger } from '../../api/log.js';
import { EXEC_CHANNEL, execQueryString, frame, messageBuffer, unframe } from '../../api/usecases/tasks/stream-protocol.js';
import { LogCallerAuth } from './log-auth.js';
import { DOCKER_LABELS } from './runtime/names.js';
import type { ExecSession } from './runtime/types.js';
import { StreamServer } from './stream-server.js';

/** A command that counts the bytes of its stdin, as `wc -c` does. */
function countingSession(): ExecSession {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let bytes = 0;
  stdin.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const exitCode = new Promise<number>((resolve) =>
    stdin.on('end', () => {
      stdout.end(`${bytes}\n`);
      resolve(0);
    }),
  );
  return { stdin, stdout, stderr: new PassThrough().end(), exitCode, resize: () => Promise.resolve(), close: () => stdin.destroy() };
}

describe('the agent exec endpoint', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  it.each([0, 200])('hands over input sent while the command starts (start takes %i ms)', async (startMs) => {
    const server = http.createServer();
    servers.push(server);
    const admin = { name: 'admin', role: 'admin' as const };
    const streams = new StreamServer(server, {
      auth: new LogCallerAuth(() => Promise.resolve(admin), { cluster: 'c', instance: 'i' }, rootLogger),
      runtime: {
        listContainers: () => Promise.resolve([{ id: 'c1', name: 'c1', image: 'busybox', state: 'running' as const, labels: { [DOCKER_LABELS.task]: 't' } }]),
        exec: async () => {
          await sleep(startMs);
          return countingSession();
        },
        inspectContainer: () => Promise.reject(new Error('not used')),
      },
      scope: { installation: 'x', cluster: 'c', instance: 'i' },
      log: rootLogger,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/tasks/t/containers/web/exec?${execQueryString({ command: ['wc', '-c'], tty: false, stdin: true })}`, {
      headers: { authorization: 'Bearer admin' },
    });
    let out = '';
    let status = '';
    ws.on('message', (data) => {
      const m = unframe(messageBuffer(data as Buffer));
      if (m?.channel === EXEC_CHANNEL.stdout) out += m.data.toString();
      if (m?.channel === EXEC_CHANNEL.status) status = m.data.toString();
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(frame(EXEC_CHANNEL.stdin, Buffer.from('twelve bytes')));
    ws.send(frame(EXEC_CHANNEL.stdinEnd));
    await new Promise((r) => ws.once('close', r));
    streams.close();
    expect(out).toBe('12\n');
    expect(JSON.parse(status)).toEqual({ exitCode: 0 });
  });
});
