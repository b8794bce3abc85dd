/** Shared by the lb-* end-to-end tests: a cluster with one agent, an HAProxy run by LbProxy, and a web service behind it. */
import { execFileSync } from 'node:child_process';
import type { Socket } from 'node:net';
import { rootLogger } from '../api/log.js';
import { LbProxy } from '../controllers/lb/proxy/proxy.js';
import { tempDir } from './support/berth-process.js';
import { startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

export const HAPROXY = '/usr/sbin/haproxy';
export const haproxyInstalled = (() => {
  try {
    execFileSync(HAPROXY, ['-v']);
    return true;
  } catch {
    return false;
  }
})();

/** Listener ports from this suite's range (24800-24899), one per test file (lb-rules: one per listener). */
export const LB_PORTS = {
  traffic: 24821,
  rolling: 24822,
  drain: 24823,
  watch: 24825,
  token: 24826,
  oldWorker: 24827,
  rulesPath: 24830,
  rulesHost: 24831,
  rulesWeights: 24832,
  rulesTcp: 24833,
} as const;

export interface LbEnv {
  cluster: TestCluster;
  proxy: LbProxy;
  at<T extends { metadata: Record<string, unknown> }>(obj: T): T;
  dispose(): Promise<void>;
}

/** `intervalMs`: the proxy's longest time between passes (short here, so tests need not wait for a pass). */
export async function startLbEnv({ intervalMs = 250 }: { intervalMs?: number } = {}): Promise<LbEnv> {
  const cluster = await startTestCluster({ prefix: 'lb' });
  await cluster.startAgent(`${cluster.name}-a`);
  const proxy = new LbProxy({
    client: cluster.client,
    cluster: cluster.name,
    dir: tempDir('berth-lb-'),
    name: 'test-proxy',
    haproxy: HAPROXY,
    bindAddress: '127.0.0.1',
    intervalMs,
    log: rootLogger,
  });
  await proxy.start();
  return {
    cluster,
    proxy,
    at: <T extends { metadata: Record<string, unknown> }>(obj: T): T => ({ ...obj, metadata: { ...obj.metadata, cluster: cluster.name } }),
    async dispose() {
      await proxy.stop();
      await cluster.dispose();
    },
  };
}

/**
 * busybox httpd on 8080 answering its own hostname at / and 200 at /health while /www/health
 * exists; TERM is trapped so a stop takes no stop timeout.
 */
export const webContainer = (extra: Record<string, unknown> = {}) => ({
  name: 'web',
  image: TEST_IMAGE,
  memory: 32,
  command: [
    'sh',
    '-c',
    [
      'mkdir -p /www/cgi-bin && hostname > /www/index.html && echo ok > /www/health',
      // /cgi-bin/slow answers after 3 s: a request in flight while the task is drained.
      "printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\nsleep 3\\necho slow-done\\n' > /www/cgi-bin/slow && chmod +x /www/cgi-bin/slow",
      'exec httpd -f -p 8080 -h /www',
    ].join(' && '),
  ],
  portMappings: [{ containerPort: 8080, hostPort: 0 }],
  linuxParameters: { initProcessEnabled: true },
  stopTimeout: 2,
  ...extra,
});

export const targetGroup = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'TargetGroup' as const,
  metadata: { name },
  spec: {
    protocol: 'HTTP',
    healthCheck: { path: '/health', intervalSeconds: 1, timeoutSeconds: 1, healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
    deregistrationDelay: 2,
    ...spec,
  },
});

export const loadBalancer = (name: string, port: number, group: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'LoadBalancer' as const,
  metadata: { name },
  spec: { listeners: [{ port, protocol: 'HTTP', defaultActions: [{ type: 'forward', targetGroupName: group }] }] },
});

/** GET through the load balancer: status and body, or the error's text. */
export async function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: (await res.text()).trim() };
  } catch (err) {
    return { status: 0, body: String(err) };
  }
}

/**
 * Sends a GET on a raw keep-alive `socket` (one a test holds open across a reload); resolves with
 * the whole answer, or what came within 3 s ('' when the proxy closed the connection instead).
 */
export function ask(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const done = () => {
      socket.off('data', onData);
      socket.off('close', done);
      clearTimeout(timer);
      resolve(got);
    };
    const onData = (d: Buffer) => {
      got += d.toString();
      const head = got.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(got)?.[1];
      if (got.includes('</html>') || (head >= 0 && length !== undefined && got.length >= head + 4 + Number(length))) done();
    };
    const timer = setTimeout(done, 3_000);
    socket.on('data', onData);
    socket.once('close', done);
    if (!socket.destroyed) socket.write('GET / HTTP/1.1\r\nHost: berth\r\n\r\n');
  });
}

/**
 * Whether `proxy` routes the weights of the load balancers `stored` (as read from the store): each
 * one's generation, in every worker that may still route a request — not only what the proxy's
 * watch has delivered so far.
 */
export async function routesStored(proxy: LbProxy, stored: ReadonlyArray<{ metadata: { name: string; generation?: number } }>): Promise<boolean> {
  return stored.every((lb) => (proxy.routedGeneration(lb.metadata.name) ?? -1) >= (lb.metadata.generation ?? 0)) && (await proxy.weightsApplied());
}
