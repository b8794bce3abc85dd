/**
 * `berth deregister`, `berth rollout history/undo/status` as a user runs them: the real binary
 * against a real `berth up --no-agent` (no containers: tasks stay PENDING, so no rollout here ever
 * completes — the e2e-rollout test covers that on real Docker). What this file shows: deregistering
 * marks revisions INACTIVE without disturbing services already on them, a service on the family
 * follows the newest ACTIVE revision, and the rollout commands' errors and exit codes.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, runBerth, type CliResult } from './cli-harness.js';
import { berthEnv, startBerthUp, tempDir, type BerthProcess } from './support/berth-process.js';
import { eventually } from './support/cluster.js';

const IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';
let dir: string;
let up: BerthProcess;
const berth = (...args: string[]): Promise<CliResult> => runBerth(args, { env: berthEnv(join(dir, 'config')), cwd: dir });
const ref = (name: string) => ({ cluster: 'default', name });

const register = async (variant: string) =>
  (
    await up.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'web' },
      spec: { containerDefinitions: [{ name: 'main', image: IMAGE, memory: 16, command: ['sleep', '3600'], environment: [{ name: 'V', value: variant }] }] },
    })
  ).metadata.name;
const createService = (name: string, taskDefinition: string) =>
  up.client.create({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name }, spec: { taskDefinition, desiredCount: 2 } });
const resolvedTo = (name: string, taskDefinition: string) =>
  eventually(async () => (await up.client.get('Service', ref(name)))?.status?.taskDefinition === taskDefinition, 10_000, `${name} on ${taskDefinition}`);

beforeAll(async () => {
  assertFreshBuild([
    'cli/rollout/deregister.ts',
    'cli/rollout/run-status.ts',
    'cli/rollout/run-undo.ts',
    'cli/rollout/run-history.ts',
    'cli/commands/deregister.ts',
    'cli/commands/rollout.ts',
  ]);
  dir = tempDir('berth-cli-rollout-');
  up = await startBerthUp(['up', '--no-agent', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0'], join(dir, 'config'));
}, 30_000);
afterAll(async () => {
  up.client.close();
  up.child.kill('SIGTERM');
  await up.exited;
  await rm(dir, { recursive: true, force: true });
});

describe('berth deregister taskdefinition', () => {
  it('marks revisions INACTIVE; a service on the family moves to the newest ACTIVE one, a pinned one stays', async () => {
    const [r1, r2] = [await register('1'), await register('2')];
    expect([r1, r2]).toEqual(['web:1', 'web:2']);
    await createService('follower', 'web');
    await createService('pinned', 'web:2');
    await resolvedTo('follower', 'web:2');
    await resolvedTo('pinned', 'web:2');

    const out = await berth('deregister', 'taskdefinition', 'web:2');
    expect(out).toMatchObject({ code: 0, stdout: 'taskdefinition "web:2" deregistered (INACTIVE)\n' });
    const td = await up.client.mustGet('TaskDefinition', ref('web:2'));
    expect(td.status).toMatchObject({ status: 'INACTIVE', revision: 2 });
    expect(td.status?.deregisteredAt).toBeDefined();

    await resolvedTo('follower', 'web:1');
    const follower = await up.client.mustGet('Service', ref('follower'));
    expect(follower.status?.history.map((r) => [r.taskDefinition, r.state])).toEqual([
      ['web:1', 'IN_PROGRESS'],
      ['web:2', 'STOPPED'],
    ]);
    // The pinned service keeps its revision, its deployment, its tasks, and says nothing is wrong.
    await new Promise((r) => setTimeout(r, 1_000));
    const pinned = await up.client.mustGet('Service', ref('pinned'));
    expect(pinned.status?.taskDefinition).toBe('web:2');
    expect(pinned.status?.deployments.map((d) => d.taskDefinition)).toEqual(['web:2']);
    expect(pinned.status?.events.some((e) => e.message.includes('cannot start tasks'))).toBe(false);
    const tasks = await up.client.list('Task', { cluster: 'default', labelSelector: 'berth.dev/service=pinned' });
    expect(tasks.items.filter((t) => t.spec.desiredStatus === 'RUNNING').map((t) => t.spec.taskDefinition)).toEqual(['web:2', 'web:2']);

    // Again: said so, not an error. A family, or another kind: usage errors.
    expect(await berth('deregister', 'taskdefinition/web:2')).toMatchObject({ code: 0, stdout: 'taskdefinition "web:2" was already INACTIVE\n' });
    expect((await berth('deregister', 'td', 'web')).stderr).toMatch(/name a revision to deregister \("web:3"\), not a family/);
    expect((await berth('deregister', 'service', 'web:1')).stderr).toMatch(/only task definitions are deregistered/);
    expect(await berth('deregister', 'taskdefinition', 'web:9')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('taskdefinitions "web:9" not found'),
    });
  });
});

describe('berth rollout', () => {
  it('undo --to-revision pins the family revision, refusing missing and INACTIVE ones; history lists what the service ran', async () => {
    // web:1 ACTIVE, web:2 INACTIVE (above); the follower is on web:1.
    const r3 = await register('3');
    await resolvedTo('follower', r3);
    expect(await berth('rollout', 'undo', 'service', 'follower', '--to-revision', '1')).toMatchObject({
      code: 0,
      stdout: 'service/follower rolled back to web:1 (was web:3)\n',
    });
    expect((await up.client.mustGet('Service', ref('follower'))).spec.taskDefinition).toBe('web:1');
    await resolvedTo('follower', 'web:1');
    // A newer revision no longer moves it: it is pinned.
    await register('4');
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await up.client.mustGet('Service', ref('follower'))).status?.taskDefinition).toBe('web:1');

    expect(await berth('rollout', 'undo', 'service/follower', '--to-revision', '2')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/web:2 is INACTIVE/),
    });
    expect(await berth('rollout', 'undo', 'service/follower', '--to-revision', '7')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/web:7 does not exist/),
    });
    // Nothing here ever COMPLETED (no agent): no previous revision to return to by default.
    expect(await berth('rollout', 'undo', 'service/follower')).toMatchObject({ code: 1, stderr: expect.stringMatching(/no earlier revision that completed/) });

    const history = await berth('rollout', 'history', 'service', 'follower');
    expect(history.code).toBe(0);
    expect(history.stdout.split('\n')[0]).toMatch(/^REVISION\s+TASK DEFINITION\s+DEPLOYMENT\s+STATE\s+STARTED\s+DURATION\s+REASON$/);
    const rows = history.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s{3,}/).slice(0, 4));
    expect(rows.map((r) => [r[0], r[1], r[3]])).toEqual([
      ['2', 'web:2', 'STOPPED'],
      ['1', 'web:1', 'STOPPED'],
      ['3', 'web:3', 'STOPPED'],
      ['1', 'web:1', 'IN_PROGRESS'],
    ]);
    const json = await berth('rollout', 'history', 'svc/follower', '-o', 'json');
    expect((JSON.parse(json.stdout) as { taskDefinition: string }[]).map((r) => r.taskDefinition)).toEqual(['web:2', 'web:1', 'web:3', 'web:1']);
  });

  it('status waits while the rollout cannot finish and gives up at --timeout with exit 2; errors for what is not a service', async () => {
    const started = Date.now();
    const out = await berth('rollout', 'status', 'service', 'pinned', '--timeout', '1500ms');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(out.code).toBe(2);
    expect(out.stdout).toMatch(/Waiting for deployment ecs-svc\/\d+ \(web:2\) of service pinned to complete: 0 of 2 new tasks running, 2 pending…/);
    expect(out.stderr).toMatch(/^error: timed out after 1500ms waiting for the rollout of service pinned/);

    expect(await berth('rollout', 'status', 'service', 'nope', '--timeout', '1s')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('services "nope" not found'),
    });
    expect((await berth('rollout', 'status', 'task', 'x')).stderr).toMatch(/only services roll out/);
    expect((await berth('rollout', 'history', 'web')).stderr).toMatch(/expected `berth rollout history service NAME`/);
  });
});
