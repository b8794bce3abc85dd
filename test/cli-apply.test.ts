/**
 * `berth apply` and `berth diff` as a user runs them: the real binary against a real `berth up`,
 * real manifest files. Services are applied with desiredCount 0 so that no container runs.
 */
import { isDeepStrictEqual } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, lines, startCliEnv, type CliEnv } from './cli-harness.js';

const IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';

const taskDefinition = (name: string, memory = 16, labels: Record<string, string> = {}) => `apiVersion: berth.dev/v1
kind: TaskDefinition
metadata:
  name: ${name}
  labels: ${JSON.stringify(labels)}
spec:
  containerDefinitions:
    - name: main
      image: ${IMAGE}
      memory: ${memory}
      command: ["sleep", "3600"]
      stopTimeout: 2
      linuxParameters: { initProcessEnabled: true }
`;

const service = (name: string, extra = '', labels: Record<string, string> = {}) => `apiVersion: berth.dev/v1
kind: Service
metadata:
  name: ${name}
  labels: ${JSON.stringify(labels)}
spec:
  taskDefinition: ${name}
  desiredCount: 0
${extra}`;

let env: CliEnv;
beforeAll(async () => {
  assertFreshBuild(['cli/commands/actions/apply.ts', 'cli/apply/apply-manifests.ts', 'cli/apply/apply-object.ts', 'cli/commands/actions/diff.ts']);
  env = await startCliEnv();
});
afterAll(async () => {
  await env?.stop();
});

describe('berth apply', () => {
  it('creates, then leaves everything unchanged: no new resourceVersion, no new revision', async () => {
    const dir = 'idem';
    await env.write(`${dir}/td.yaml`, taskDefinition('idem'));
    await env.write(`${dir}/svc.yaml`, service('idem', '  healthCheckGracePeriodSeconds: 10\n'));
    const first = await env.berth(['apply', '-f', `${env.dir}/${dir}`]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // Task definitions are applied before the services that use them, whatever the file order.
    expect(lines(first.stdout)).toEqual(['taskdefinition/idem:1 created', 'service/idem created']);

    const before = await env.server.client.mustGet('Service', { name: 'idem' });
    const second = await env.berth(['apply', '-f', `${env.dir}/${dir}`]);
    expect(second.code).toBe(0);
    expect(lines(second.stdout)).toEqual(['taskdefinition/idem:1 unchanged', 'service/idem unchanged']);
    const after = await env.server.client.mustGet('Service', { name: 'idem' });
    expect(after.metadata.generation).toBe(before.metadata.generation);
    // The service controller may write status meanwhile; apply itself must not have written.
    if (isDeepStrictEqual(after.status, before.status)) expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    const revisions = (await env.server.client.list('TaskDefinition')).items.filter((td) => td.spec.family === 'idem');
    expect(revisions.map((td) => td.metadata.name)).toEqual(['idem:1']);
  });

  it('removes a field deleted from the file, and keeps what the file never set', async () => {
    const file = await env.write('removal/svc.yaml', service('removal', '  healthCheckGracePeriodSeconds: 45\n', { app: 'removal', tier: 'web' }));
    await env.write('removal/td.yaml', taskDefinition('removal'));
    expect((await env.berth(['apply', '-f', `${env.dir}/removal`])).code).toBe(0);
    // Someone adds a label by hand; the file never mentioned it, so apply keeps it.
    await env.server.client.patch('Service', { name: 'removal' }, { metadata: { labels: { 'added-by': 'hand' } } });

    await writeFile(file, service('removal', '', { app: 'removal' }));
    const r = await env.berth(['apply', '-f', file]);
    expect(r.stdout.trim()).toBe('service/removal configured');
    const svc = await env.server.client.mustGet('Service', { name: 'removal' });
    expect(svc.spec.healthCheckGracePeriodSeconds).toBe(0);
    expect(svc.metadata.labels).toEqual({ app: 'removal', 'added-by': 'hand', 'berth.dev/managed-by': 'berth-apply' });
    expect(svc.metadata.annotations?.['berth.dev/source']).toBe(`${file}:1`);
  });

  it('puts back a desiredCount changed by scale when the file sets it', async () => {
    await env.write('scaled/all.yaml', `${taskDefinition('scaled')}---\n${service('scaled')}`);
    expect((await env.berth(['apply', '-f', `${env.dir}/scaled/all.yaml`])).code).toBe(0);
    expect((await env.berth(['scale', 'svc', 'scaled', '--replicas', '2'])).stdout).toBe('service/scaled scaled\n');
    expect((await env.server.client.mustGet('Service', { name: 'scaled' })).spec.desiredCount).toBe(2);
    const r = await env.berth(['apply', '-f', `${env.dir}/scaled/all.yaml`]);
    expect(lines(r.stdout)).toEqual(['taskdefinition/scaled:1 unchanged', 'service/scaled configured']);
    expect((await env.server.client.mustGet('Service', { name: 'scaled' })).spec.desiredCount).toBe(0);
  });

  it('registers a new task definition revision only when the definition changes', async () => {
    const file = await env.write('revs/td.yaml', taskDefinition('revs', 16));
    expect((await env.berth(['apply', '-f', file])).stdout).toBe('taskdefinition/revs:1 created\n');
    await writeFile(file, taskDefinition('revs', 24));
    expect((await env.berth(['apply', '-f', file])).stdout).toBe('taskdefinition/revs:2 created\n');
    expect((await env.berth(['apply', '-f', file])).stdout).toBe('taskdefinition/revs:2 unchanged\n');
    // With defaults spelled out it is the same definition, normalized through the schema.
    await writeFile(
      file,
      taskDefinition('revs', 24).replace('memory: 24', 'memory: 24\n      essential: true').replace('spec:\n', 'spec:\n  networkMode: bridge\n'),
    );
    expect((await env.berth(['apply', '-f', file])).stdout).toBe('taskdefinition/revs:2 unchanged\n');
  });

  it.each([
    ['server', 'taskdefinition/dry:1 created (server dry run)'],
    ['client', 'taskdefinition/dry:1 created (dry run)'],
  ])('--dry-run=%s stores nothing', async (mode, first) => {
    const file = await env.write(`dry-${mode}/all.yaml`, `${taskDefinition('dry')}---\n${service('dry')}`);
    const r = await env.berth(['apply', '-f', file, `--dry-run=${mode}`]);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toEqual([first, `service/dry created (${mode === 'server' ? 'server dry run' : 'dry run'})`]);
    expect(await env.server.client.get('Service', { name: 'dry' })).toBeUndefined();
    expect((await env.server.client.list('TaskDefinition')).items.filter((td) => td.spec.family === 'dry')).toEqual([]);
  });

  it('reads manifests from stdin', async () => {
    const r = await env.berth(['apply', '-f', '-'], { input: taskDefinition('from-stdin') });
    expect(r.stdout).toBe('taskdefinition/from-stdin:1 created\n');
    const td = await env.server.client.mustGet('TaskDefinition', { name: 'from-stdin:1' });
    expect(td.metadata.annotations?.['berth.dev/source']).toBe('<stdin>:1');
  });

  it('prunes only managed objects matching the selector, and deregisters task definitions', async () => {
    const labels = { app: 'prune-set' };
    await env.write('prune/keep.yaml', `${taskDefinition('keep', 16, labels)}---\n${service('keep', '', labels)}`);
    const gone = await env.write('prune/gone.yaml', `${taskDefinition('gone', 16, labels)}---\n${service('gone', '', labels)}`);
    await env.write('prune-other/other.yaml', service('other-set', '', { app: 'other-set' }));
    expect((await env.berth(['apply', '-f', `${env.dir}/prune`, '--prune', '-l', 'app=prune-set'])).code).toBe(0);
    expect((await env.berth(['apply', '-f', `${env.dir}/prune-other`])).code).toBe(0);
    // The same label, but not applied by berth: prune must never touch it.
    await env.server.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name: 'hand-made', labels },
      spec: { taskDefinition: 'keep', desiredCount: 0 },
    });

    const { rm } = await import('node:fs/promises');
    await rm(gone);
    const r = await env.berth(['apply', '-f', `${env.dir}/prune`, '--prune', '-l', 'app=prune-set']);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toEqual(['taskdefinition/keep:1 unchanged', 'service/keep unchanged', 'service/gone pruned', 'taskdefinition/gone:1 deregistered']);
    const { client } = env.server;
    expect(await client.get('Service', { name: 'keep' })).toBeDefined();
    expect(await client.get('Service', { name: 'hand-made' })).toBeDefined();
    expect(await client.get('Service', { name: 'other-set' })).toBeDefined();
    const goneSvc = await client.get('Service', { name: 'gone' });
    expect(goneSvc === undefined || goneSvc.metadata.deletionTimestamp !== undefined).toBe(true);
    expect((await client.mustGet('TaskDefinition', { name: 'gone:1' })).status?.status).toBe('INACTIVE');
  });

  it('requires a selector for --prune', async () => {
    const r = await env.berth(['apply', '-f', '-', '--prune'], { input: service('x') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--prune needs -l SELECTOR/);
  });

  it('applies nothing when any file is invalid, and says FILE:LINE:COL: PATH: MESSAGE', async () => {
    await env.write('invalid/a-good.yaml', taskDefinition('invalid-good'));
    const bad = await env.write('invalid/b-bad.yaml', service('invalid-bad').replace('desiredCount: 0', 'desiredCount: -2'));
    const r = await env.berth(['apply', '-f', `${env.dir}/invalid`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${bad}:8:17: spec.desiredCount:`);
    expect(r.stderr).toContain('nothing was applied');
    expect((await env.server.client.list('TaskDefinition')).items.filter((td) => td.spec.family === 'invalid-good')).toEqual([]);
  });

  it('prints what the server refused as "Error from server (Invalid)" with the field path, exit 1', async () => {
    // Valid to the schema, refused by the server: revisions are numbered by berth, not by files.
    const file = await env.write('server-invalid/td.yaml', taskDefinition('numbered:3'));
    const r = await env.berth(['apply', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error from server (Invalid): error when applying taskdefinition/numbered from ${file}:1:1`);
    expect(r.stderr).toContain('metadata.name: register task definitions by family');
  });
});

describe('berth diff', () => {
  it('exits 0 when live matches the files, 1 with a diff when not', async () => {
    const file = await env.write('diff/all.yaml', `${taskDefinition('diffed')}---\n${service('diffed', '  healthCheckGracePeriodSeconds: 5\n')}`);
    const fresh = await env.berth(['diff', '-f', file]);
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toContain('+++ applied/service/diffed');
    expect(fresh.stdout).toContain('+++ applied/taskdefinition/diffed:1');

    expect((await env.berth(['apply', '-f', file])).code).toBe(0);
    const same = await env.berth(['diff', '-f', file]);
    expect(same.stderr).toBe('');
    expect(same.stdout).toBe('');
    expect(same.code).toBe(0);

    await writeFile(file, `${taskDefinition('diffed', 32)}---\n${service('diffed')}`);
    const changed = await env.berth(['diff', '-f', file]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('--- live/service/diffed');
    expect(changed.stdout).toContain('-  healthCheckGracePeriodSeconds: 5\n+  healthCheckGracePeriodSeconds: 0');
    expect(changed.stdout).toContain('-  name: diffed:1\n+  name: diffed:2');
    expect(changed.stdout).toContain('-      memory: 16\n+      memory: 32');
    // diff writes nothing.
    expect((await env.server.client.mustGet('Service', { name: 'diffed' })).spec.healthCheckGracePeriodSeconds).toBe(5);
  });

  it('exits 2 when it cannot tell', async () => {
    const r = await env.berth(['diff', '-f', '-', '--server', 'http://127.0.0.1:1'], { input: service('x') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach the berth API at http:\/\/127.0.0.1:1/);
  });
});
