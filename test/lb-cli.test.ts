/**
 * `berth lb --server URL --token-file F` as its own process (the built CLI): it reads the token
 * from the file, serves the cluster's listeners through HAProxy, and stops HAProxy on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BERTH_BIN, tempDir } from './support/berth-process.js';
import { eventually, startTestCluster, type TestCluster } from './support/cluster.js';
import { get, HAPROXY, haproxyInstalled, loadBalancer, targetGroup } from './lb-support.js';

const PORT = 24824;

describe.skipIf(!haproxyInstalled)('berth lb', () => {
  let cluster: TestCluster | undefined;
  afterEach(() => cluster?.dispose());

  it('serves the listeners of the cluster it is pointed at and stops HAProxy on SIGTERM', async () => {
    cluster = await startTestCluster({ prefix: 'lb' });
    const at = <T extends { metadata: Record<string, unknown> }>(o: T): T => ({ ...o, metadata: { ...o.metadata, cluster: cluster?.name } });
    await cluster.client.create(at(targetGroup('web')));
    await cluster.client.create(at(loadBalancer('front', PORT, 'web')));
    const dir = tempDir('berth-lb-cli-');
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${cluster.plane.adminToken}\n`, { mode: 0o600 });
    const child = spawn(
      process.execPath,
      [
        BERTH_BIN,
        'lb',
        '--server',
        cluster.plane.url,
        '--token-file',
        tokenFile,
        '--cluster',
        cluster.name,
        '--bind',
        '127.0.0.1',
        '--dir',
        join(dir, 'lb'),
        '--haproxy',
        HAPROXY,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BERTH_CONFIG: join(dir, 'none') } },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      // No target yet: HAProxy itself answers 503 on the listener.
      await eventually(async () => (await get(PORT)).status === 503, 20_000, `HAProxy answering on ${PORT} (output: ${out})`);
      const name = cluster.name;
      await eventually(() => out.includes(`serving cluster ${name}'s load balancers`), 5_000, `the start line (output: ${out})`);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    expect((await get(PORT)).status).toBe(0);
  });
});
