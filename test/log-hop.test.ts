/**
 * The API server's hop to an agent's log server, on the real API server and store, with a log
 * server of the test's own standing in for an agent that captures what it is sent (the attacker of
 * the threat model): the per-call token is bound to one instance and one log path, short-lived, and
 * revoked once the agent has answered; it travels only to the certificate the agent registered,
 * never over plain http beyond loopback; a followed log ends when the caller's token is revoked.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../api/auth/principal.js';
import { HttpClient } from '../api/client/http-client.js';
import { certificateSha256, issueServerCertificate } from '../api/tls/certificates.js';
import { eventually, startTestCluster, type TestCluster } from './support/cluster.js';

interface Seen {
  token: string;
  path: string;
  /** What the API server said the token was, asked while the call was in flight. */
  principal: Principal | undefined;
  closed: Promise<void>;
}

const PATH = '/v1/tasks/t1/containers/app/logs';

describe('the log hop', () => {
  let cluster: TestCluster;
  let agentServer: https.Server;
  let agentAddress: string;
  const seen: Seen[] = [];
  const made = issueServerCertificate({ commonName: 'test agent', hosts: ['127.0.0.1'], validDays: 1 });
  const other = issueServerCertificate({ commonName: 'someone else', hosts: ['127.0.0.1'], validDays: 1 });

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const url = new URL(req.url ?? '/', 'https://agent');
    void cluster.plane.tokens.authenticate(token).then((principal) => {
      seen.push({ token, path: url.pathname, principal, closed: new Promise((resolve) => res.once('close', () => resolve())) });
      res.writeHead(200, { 'content-type': 'text/plain' });
      if (url.searchParams.get('follow') !== '1') return res.end('hello\n');
      // A followed log that never ends by itself.
      res.write('tick\n');
      const timer = setInterval(() => res.write('tick\n'), 100);
      res.once('close', () => clearInterval(timer));
    });
  };

  const setInstance = async (agent: Record<string, string>) => {
    await cluster.client.mutate('ContainerInstance', { cluster: cluster.name, name: 'i-cap' }, (ci) => {
      ci.spec.agent = agent;
    });
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    agentServer = https.createServer({ cert: made.cert, key: made.key }, handler);
    await new Promise<void>((resolve) => agentServer.listen(0, '127.0.0.1', resolve));
    agentAddress = `https://127.0.0.1:${(agentServer.address() as AddressInfo).port}`;
    await cluster.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'ContainerInstance',
      metadata: { name: 'i-cap', cluster: cluster.name },
      spec: { registeredResources: { cpu: 1024, memory: 512 }, agent: { address: agentAddress, certificateSha256: certificateSha256(made.cert) } },
    });
    await cluster.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'app', cluster: cluster.name },
      spec: { containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 16 }] },
    });
    await cluster.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Task',
      metadata: { name: 't1', cluster: cluster.name },
      spec: { taskDefinition: 'app:1', containerInstance: 'i-cap' },
    });
  }, 30_000);

  afterAll(async () => {
    agentServer?.closeAllConnections();
    agentServer?.close();
    await cluster?.dispose();
  });

  const readAll = async (stream: NodeJS.ReadableStream) => {
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    return text;
  };

  it('sends a token bound to this instance and this log path, short-lived, and revoked once the agent has answered', async () => {
    seen.length = 0;
    expect(await readAll(await cluster.client.logs({ cluster: cluster.name, name: 't1' }))).toBe('hello\n');
    expect(seen).toHaveLength(1);
    const [call] = seen;
    expect(call?.path).toBe(PATH);
    expect(call?.principal).toMatchObject({ role: 'log-reader', cluster: cluster.name, instance: 'i-cap', path: PATH });
    const expiresAt = Date.parse(call?.principal?.role === 'log-reader' ? (call.principal.expiresAt ?? '') : '');
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(20_000);
    // Captured, it is worth nothing once the call is answered: the registry and the API refuse it.
    await eventually(async () => (await cluster.plane.tokens.authenticate(call?.token ?? '')) === undefined, 5_000, 'the hop token revoked');
    const replay = new HttpClient({ server: cluster.plane.url, token: call?.token ?? '' });
    await expect(replay.whoami()).rejects.toMatchObject({ code: 401 });
    replay.close();
  });

  it('writes nothing to a server that presents another certificate than the one its agent registered', async () => {
    await setInstance({ address: agentAddress, certificateSha256: certificateSha256(other.cert) });
    seen.length = 0;
    const refused = cluster.client.logs({ cluster: cluster.name, name: 't1' });
    await expect(refused).rejects.toMatchObject({ code: 502 });
    await expect(refused).rejects.toThrow(/presented a certificate \(SHA-256 [0-9A-F:]+\) other than the one its agent registered.*sent it nothing/);
    expect(seen).toHaveLength(0);
    await setInstance({ address: agentAddress, certificateSha256: certificateSha256(made.cert) });
  });

  it('refuses to send its token over plain http beyond loopback', async () => {
    await setInstance({ address: 'http://192.0.2.10:51678' });
    const refused = cluster.client.logs({ cluster: cluster.name, name: 't1' });
    await expect(refused).rejects.toMatchObject({ code: 503 });
    await expect(refused).rejects.toThrow(
      /registered a plain http address beyond loopback \(http:\/\/192\.0\.2\.10:51678\); the API server sends its token there over https only/,
    );
    await setInstance({ address: agentAddress, certificateSha256: certificateSha256(made.cert) });
  });

  it("a followed log ends when the caller's token is revoked, and the call to the agent with it", async () => {
    seen.length = 0;
    const { token, id } = await cluster.client.tokens.create({ name: 'viewer', grants: { [cluster.name]: 'view' } });
    const viewer = new HttpClient({ server: cluster.plane.url, token });
    const stream = await viewer.logs({ cluster: cluster.name, name: 't1' }, { follow: true });
    let text = '';
    const ended = new Promise<void>((resolve) => {
      stream.on('data', (chunk) => (text += String(chunk)));
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
    });
    await eventually(() => text.includes('tick\ntick\n'), 5_000, 'ticks streamed');
    await cluster.client.tokens.revoke(id);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('the followed log did not end within 5 s of the revocation')), 5_000);
    });
    await Promise.race([ended, late]).finally(() => clearTimeout(timer));
    await seen[0]?.closed;
    const after = text.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(text.length).toBe(after);
    viewer.close();
  });
});
