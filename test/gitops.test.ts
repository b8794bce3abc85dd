/**
 * `berth gitops watch` as a user runs it: the real binary watching a real directory, against a real
 * `berth up --no-agent` (embedded store, fixed port so it can be restarted). The steps share one
 * watcher and build on each other, as a user's session would: add, edit (editor-style rename), rename,
 * drift, a broken file, delete with prune, and the server going away and coming back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpClient } from '../api/client/http-client.js';
import { assertFreshBuild, runBerth } from './cli-harness.js';
import { BERTH_BIN, berthEnv, startBerthUp, tempDir, type BerthProcess } from './support/berth-process.js';

const IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';
const SET = 'site';

const taskDefinition = (name: string) => `apiVersion: berth.dev/v1
kind: TaskDefinition
metadata: { name: ${name} }
spec:
  containerDefinitions:
    - { name: main, image: ${IMAGE}, memory: 16, command: [sleep, "3600"], stopTimeout: 2, linuxParameters: { initProcessEnabled: true } }
`;
// desiredCount 0 unless a step needs more: without an agent, tasks would only wait to be placed.
const service = (
  name: string,
  { desired = 0, grace = 0, labels = '{}' }: { desired?: number | string; grace?: number; labels?: string } = {},
) => `apiVersion: berth.dev/v1
kind: Service
metadata: { name: ${name}, labels: ${labels} }
spec:
  taskDefinition: web
  desiredCount: ${desired}
  healthCheckGracePeriodSeconds: ${grace}
`;

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\nwatcher log:\n${watcherLog.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

let root: string;
let dir: string;
let config: string;
let port: number;
let server: BerthProcess;
let watcher: ChildProcess;
let watcherLog = '';
const client = (): HttpClient => server.client;
const write = (name: string, text: string) => {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), text);
};
/** What editors do: write a temporary file beside the manifest, then rename it over. */
const saveLikeAnEditor = (name: string, text: string) => {
  const tmp = join(dir, dirname(name), `.${basename(name)}.swp`);
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, name));
};
const logMessages = () => watcherLog.split('\n').flatMap((l) => (l.startsWith('{') ? [JSON.parse(l) as { msg: string; reason?: string }] : []));
const startServer = () => startBerthUp(['up', '--no-agent', '--data-dir', join(root, 'data'), '--listen', `127.0.0.1:${port}`], config);
const statusOf = async () => {
  const cluster = await client().mustGet('Cluster', { name: 'default' });
  const text = cluster.metadata.annotations?.[`gitops.berth.dev/status.${SET}`];
  return text === undefined
    ? undefined
    : (JSON.parse(text) as { result: string; lastSyncAt: string; errors: string[]; revision?: string; failedAttempts?: number });
};

beforeAll(async () => {
  assertFreshBuild([
    'cli/commands/gitops.ts',
    'cli/gitops/watch-command.ts',
    'cli/gitops/watcher.ts',
    'cli/gitops/sync.ts',
    'cli/gitops/plan.ts',
    'cli/gitops/trigger.ts',
    'cli/gitops/status.ts',
  ]);
  root = tempDir('berth-gitops-');
  dir = join(root, SET);
  mkdirSync(dir);
  config = join(root, 'config');
  port = await freePort();
  server = await startServer();
  watcher = spawn(process.execPath, [BERTH_BIN, 'gitops', 'watch', dir, '--prune', '--interval', '2s', '--debounce', '200ms'], {
    env: { ...berthEnv(config), BERTH_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  watcher.stdout?.on('data', (d: Buffer) => (watcherLog += d.toString()));
  watcher.stderr?.on('data', (d: Buffer) => (watcherLog += d.toString()));
  await until('the first (empty) sync', async () => logMessages().some((m) => m.msg === 'sync done'));
});

afterAll(async () => {
  if (watcher && watcher.exitCode === null) {
    const exited = new Promise((r) => watcher.once('exit', r));
    watcher.kill('SIGTERM');
    await exited;
  }
  if (server) {
    server.client.close();
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('berth gitops watch', () => {
  it('a new file: its objects appear within seconds', async () => {
    const t0 = Date.now();
    write('web.yaml', `${taskDefinition('web')}---\n${service('web')}`);
    const svc = await until('service web created', () => client().get('Service', { name: 'web' }));
    console.info(`gitops: file added → service created in ${Date.now() - t0} ms`);
    expect(svc.metadata.labels).toMatchObject({ 'berth.dev/gitops-set': SET, 'berth.dev/managed-by': 'berth-gitops' });
    expect(svc.metadata.annotations?.['berth.dev/source']).toBe(`${join(dir, 'web.yaml')}:8`);
    expect(await client().get('TaskDefinition', { name: 'web:1' })).toBeDefined();
  });

  it('an editor-style save (write a temp file, rename it over): configured', async () => {
    const before = await client().mustGet('Service', { name: 'web' });
    saveLikeAnEditor('web.yaml', `${taskDefinition('web')}---\n${service('web', { grace: 30 })}`);
    const after = await until('service web configured', async () => {
      const s = await client().mustGet('Service', { name: 'web' });
      return s.spec.healthCheckGracePeriodSeconds === 30 && s;
    });
    expect(after.metadata.uid).toBe(before.metadata.uid);
    // The task definition did not change: no new revision.
    expect((await client().list('TaskDefinition', {})).items.map((td) => td.metadata.name)).toEqual(['web:1']);
    // The watcher logs after its write returns, and its output arrives through a pipe: the change
    // can be visible through the API a moment before the line is.
    expect(await until('the watcher logs service/web configured', async () => logMessages().some((m) => m.msg === 'service/web configured'))).toBe(true);
  });

  it('renaming a file (into a sub-directory): only the source annotation changes, nothing is pruned', async () => {
    const before = await client().mustGet('Service', { name: 'web' });
    const logBefore = logMessages().length;
    mkdirSync(join(dir, 'apps'));
    renameSync(join(dir, 'web.yaml'), join(dir, 'apps', 'web.yaml'));
    const after = await until('source annotation follows the file', async () => {
      const s = await client().mustGet('Service', { name: 'web' });
      return s.metadata.annotations?.['berth.dev/source'] === `${join(dir, 'apps', 'web.yaml')}:8` && s;
    });
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.spec).toEqual(before.spec);
    expect(after.metadata.generation).toBe(before.metadata.generation);
    const since = logMessages().slice(logBefore);
    expect(since.filter((m) => /pruned|deregistered|created/.test(m.msg))).toEqual([]);
    expect((await client().list('TaskDefinition', {})).items.map((td) => [td.metadata.name, td.status?.status])).toEqual([['web:1', 'ACTIVE']]);
  });

  it('drift made by hand is undone at the next interval', async () => {
    await client().patch('Service', { name: 'web' }, { spec: { desiredCount: 2 } });
    const t0 = Date.now();
    await until('desiredCount back to 0', async () => (await client().mustGet('Service', { name: 'web' })).spec.desiredCount === 0, 6000);
    console.info(`gitops: drift undone in ${Date.now() - t0} ms (interval 2 s)`);
  });

  it('a broken file is reported with file:line and skipped: the rest applies, its objects are neither changed nor pruned', async () => {
    write('api.yaml', service('api', { labels: '{ app: api }' }));
    const api = await until('service api created', () => client().get('Service', { name: 'api' }));

    // The file breaks (and also asks for a change that must not be applied half-way); web changes meanwhile.
    saveLikeAnEditor('api.yaml', service('api', { desired: -1, grace: 99, labels: '{ app: api }' }));
    saveLikeAnEditor('apps/web.yaml', `${taskDefinition('web')}---\n${service('web', { grace: 45 })}`);
    const status = await until('status reports the broken file', async () => {
      const s = await statusOf();
      return s?.result === 'Degraded' && s.errors.some((e) => e.startsWith('api.yaml:6:')) && s;
    });
    expect(status.errors).toEqual([expect.stringMatching(/^api\.yaml:6:\d+: spec\.desiredCount: /)]);
    await until(
      'web applied although api.yaml is broken',
      async () => (await client().mustGet('Service', { name: 'web' })).spec.healthCheckGracePeriodSeconds === 45,
    );
    // Two more intervals: api is still exactly as last applied, and still there (--prune is on).
    await new Promise((r) => setTimeout(r, 4500));
    const kept = await client().mustGet('Service', { name: 'api' });
    // Its spec as last applied and the same object (its status is the controller's to write meanwhile).
    expect(kept.metadata.uid).toBe(api.metadata.uid);
    expect(kept.metadata.generation).toBe(api.metadata.generation);
    expect(kept.spec).toEqual(api.spec);

    const cli = await runBerth(['gitops', 'status'], { env: berthEnv(config) });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(new RegExp(`^NAME\\s+CLUSTER\\s+RESULT\\s+LAST SYNC`, 'm'));
    expect(cli.stdout).toMatch(new RegExp(`^${SET}\\s+default\\s+Degraded\\s+\\d+s ago\\s+0\\s+\\d+\\s+\\d+\\s+0\\s+1\\s+${dir}$`, 'm'));
    expect(cli.stdout).toMatch(/^ {2}api\.yaml:6:\d+: spec\.desiredCount: /m);
    const json = await runBerth(['gitops', 'status', '--name', SET, '-o', 'json'], { env: berthEnv(config) });
    expect(JSON.parse(json.stdout)).toMatchObject({ items: [{ set: SET, dir, result: 'Degraded', prune: true }] });
  });

  it('deleting a file with --prune removes its objects', async () => {
    unlinkSync(join(dir, 'api.yaml'));
    await until('service api pruned', async () => (await client().get('Service', { name: 'api' })) === undefined);
    await until('status back to Synced', async () => (await statusOf())?.result === 'Synced');
    expect(await client().get('Service', { name: 'web' })).toBeDefined();
  });

  it('survives the server restarting: failures are retried with backoff, then it converges', async () => {
    server.client.close();
    server.child.kill('SIGKILL');
    await server.exited;
    const downAt = Date.now();
    const logBefore = logMessages().length;
    write('late.yaml', service('late'));
    await new Promise((r) => setTimeout(r, 5000));
    const failures = logMessages()
      .slice(logBefore)
      .filter((m) => m.msg.startsWith('sync failed; retrying'));
    // 1 s, 2 s, 2 s (capped at the interval)… : a few attempts in 5 s, not one per change or tick.
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures.length).toBeLessThanOrEqual(5);

    // `berth up` writes the config file again; startBerthUp waits for a new one.
    rmSync(config);
    server = await startServer();
    const upAt = Date.now();
    const late = await until('service late created after the restart', () => client().get('Service', { name: 'late' }), 10_000);
    console.info(
      `gitops: converged ${Date.now() - downAt} ms after the server went down (down ~5 s), ${Date.now() - upAt} ms after it answered again; ${failures.length} failed attempts while down`,
    );
    expect(late.metadata.labels).toMatchObject({ 'berth.dev/gitops-set': SET });
    const status = await until('status Synced after the restart', async () => {
      const s = await statusOf();
      return s?.result === 'Synced' && Date.parse(s.lastSyncAt) > downAt && s;
    });
    expect(status.errors).toEqual([]);
    // And it keeps undoing drift with the new server.
    await client().patch('Service', { name: 'late' }, { spec: { desiredCount: 1 } });
    await until('drift undone after the restart', async () => (await client().mustGet('Service', { name: 'late' })).spec.desiredCount === 0, 6000);
  });
});
