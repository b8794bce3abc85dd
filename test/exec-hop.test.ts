/**
 * The API server's exec and port-forward hop to an agent over https, on the real API server and
 * store, with a WebSocket server of the test's own standing in for the agent (capturing what it is
 * sent): the per-call token is bound to this instance and this exec path, revoked once the agent
 * took the call; messages pass both ways unchanged; nothing is written to a server presenting a
 * certificate other than the one registered.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { Principal } from '../api/auth/principal.js';
import { openTaskStream } from '../api/client/task-stream.js';
import { taskExecPath, taskPortForwardPath } from '../api/paths.js';
import { EXEC_CHANNEL, execQueryString, frame, messageBuffer, unframe } from '../api/usecases/tasks/stream-protocol.js';
import { certificateSha256, issueServerCertificate } from '../api/tls/certificates.js';
import { eventually, startTestCluster, type TestCluster } from './support/cluster.js';

const EXEC_PATH = '/v1/tasks/t1/containers/app/exec';

describe('the exec hop', () => {
  let cluster: TestCluster;
  let agentServer: https.Server;
  const seen: { token: string; path: string; principal: Principal | undefined }[] = [];
  const made = issueServerCertificate({ commonName: 'test agent', hosts: ['127.0.0.1'], validDays: 1 });
  const other = issueServerCertificate({ commonName: 'someone else', hosts: ['127.0.0.1'], validDays: 1 });
  let agentAddress = '';

  beforeAll(async () => {
    cluster = await startTestCluster();
    agentServer = https.createServer({ cert: made.cert, key: made.key });
    const wss = new WebSocketServer({ server: agentServer });
    wss.on('connection', (ws, req) => {
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const url = new URL(req.url ?? '/', 'https://agent');
      void cluster.plane.tokens.authenticate(token).then((principal) => seen.push({ token, path: url.pathname, principal }));
      // An echo "process": stdin comes back on stdout; the end of stdin ends it with exit code 7.
      ws.on('message', (data) => {
        const m = unframe(messageBuffer(data as Buffer));
        if (m?.channel === EXEC_CHANNEL.stdin) ws.send(frame(EXEC_CHANNEL.stdout, m.data));
        if (m?.channel === EXEC_CHANNEL.stdinEnd) ws.send(frame(EXEC_CHANNEL.status, JSON.stringify({ exitCode: 7 })), () => ws.close(1000));
      });
    });
    await new Promise<void>((resolve) => agentServer.listen(0, '127.0.0.1', resolve));
    agentAddress = `https://127.0.0.1:${(agentServer.address() as AddressInfo).port}`;
    const { client } = cluster;
    await client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'ContainerInstance',
      metadata: { name: 'i-cap', cluster: cluster.name },
      spec: { registeredResources: { cpu: 1024, memory: 512 }, agent: { address: agentAddress, certificateSha256: certificateSha256(made.cert) } },
    });
    await client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'app' },
      spec: { containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 16 }] },
    });
    await client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Task',
      metadata: { name: 't1', cluster: cluster.name },
      spec: { taskDefinition: 'app:1', containerInstance: 'i-cap' },
    });
    await cluster.plane.resources.mutate(
      'Task',
      { cluster: cluster.name, name: 't1' },
      (t) => {
        t.status = { lastStatus: 'RUNNING', containers: [], healthStatus: 'UNKNOWN' };
      },
      { subresource: 'status' },
    );
  }, 30_000);

  afterAll(async () => {
    agentServer?.closeAllConnections();
    agentServer?.close();
    await cluster?.dispose();
  });

  const admin = () => ({ server: cluster.plane.url, token: cluster.plane.adminToken });
  const execPath = () => `${taskExecPath(cluster.name, 't1')}?${execQueryString({ command: ['cat'], tty: false, stdin: true })}`;

  it('relays both ways with a token bound to this instance and exec path, revoked once the agent took the call', async () => {
    seen.length = 0;
    const ws = await openTaskStream(admin(), execPath());
    const received: Buffer[] = [];
    ws.on('message', (data) => received.push(messageBuffer(data as Buffer)));
    ws.send(frame(EXEC_CHANNEL.stdin, 'ping'));
    ws.send(frame(EXEC_CHANNEL.stdinEnd));
    await new Promise((resolve) => ws.once('close', resolve));
    expect(received.map((m) => unframe(m)?.channel)).toEqual([EXEC_CHANNEL.stdout, EXEC_CHANNEL.status]);
    expect(received[0]?.subarray(1).toString()).toBe('ping');
    expect(JSON.parse(received[1]?.subarray(1).toString() ?? '')).toEqual({ exitCode: 7 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ path: EXEC_PATH, principal: { role: 'log-reader', cluster: cluster.name, instance: 'i-cap', path: EXEC_PATH } });
    await eventually(async () => (await cluster.plane.tokens.authenticate(seen[0]?.token ?? '')) === undefined, 5_000, 'the hop token revoked');
  });

  it('binds a port-forward token to the port in the path', async () => {
    seen.length = 0;
    const ws = await openTaskStream(admin(), `${taskPortForwardPath(cluster.name, 't1')}?port=8080`);
    ws.close();
    await eventually(() => seen.length === 1, 5_000, 'the agent called');
    expect(seen[0]?.principal).toMatchObject({ path: '/v1/tasks/t1/containers/app/ports/8080' });
  });

  it('writes nothing to a server that presents another certificate than the one its agent registered', async () => {
    await cluster.client.mutate('ContainerInstance', { cluster: cluster.name, name: 'i-cap' }, (ci) => {
      ci.spec.agent = { address: agentAddress, certificateSha256: certificateSha256(other.cert) };
    });
    seen.length = 0;
    const refused = openTaskStream(admin(), execPath());
    await expect(refused).rejects.toMatchObject({ code: 502 });
    await expect(refused).rejects.toThrow(/other than the one its agent registered/);
    expect(seen).toHaveLength(0);
  });
});
