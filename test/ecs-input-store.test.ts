/**
 * What ECS users hold, through the API's register path on both real backends: a console export
 * (nulls, empty lists, read-only fields) is stored as a clean revision, and a task-definition ARN
 * is taken wherever ECS takes a reference and stored in the short form.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { corpusPath } from './fixtures/ecs-task-definitions/corpus.js';
import { testStoreBackends, type TestStore } from './support/stores.js';

const consoleExport = (): Record<string, unknown> => JSON.parse(readFileSync(corpusPath('describe-bare-nulls-requires-attributes.json'), 'utf8'));
const ARN = 'arn:aws:ecs:eu-central-1:361347920884:task-definition/gha-def:1';

describe.each(testStoreBackends)('ECS input through the register path on %s', (_name, open) => {
  let backend: TestStore;
  let resources: ResourceStore;
  beforeEach(async () => {
    backend = await open();
    resources = new ResourceStore(backend.store);
  });
  afterEach(() => backend.dispose());

  it('stores a console export as a clean revision: no nulls, no empty lists, no read-only fields', async () => {
    const spec = consoleExport();
    const created = await resources.create({ apiVersion: 'berth.dev/v1', kind: 'TaskDefinition', metadata: { name: 'gha-def' }, spec });
    expect(created.metadata.name).toBe('gha-def:1');
    const stored = await resources.get('TaskDefinition', { name: 'gha-def:1' });
    if (!stored || stored.kind !== 'TaskDefinition') throw new Error('not stored');
    const text = JSON.stringify(stored.spec);
    expect(text).not.toContain('null');
    for (const field of ['taskDefinitionArn', 'revision', 'requiresAttributes', 'compatibilities', 'ipcMode', 'volumes', 'mountPoints'])
      expect(text).not.toContain(`"${field}"`);
    expect(stored.status).toMatchObject({ revision: 1, status: 'ACTIVE' });
    expect(stored.spec).toMatchObject({ cpu: 256, memory: 1024, networkMode: 'awsvpc' });
  });

  it('takes a task-definition ARN in a service and a task, and stores family:revision', async () => {
    await resources.create({ apiVersion: 'berth.dev/v1', kind: 'TaskDefinition', metadata: { name: 'gha-def' }, spec: consoleExport() });
    const service = await resources.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { taskDefinition: ARN, desiredCount: 1 },
    });
    expect(service.kind === 'Service' && service.spec.taskDefinition).toBe('gha-def:1');
    const task = await resources.create({ apiVersion: 'berth.dev/v1', kind: 'Task', metadata: { name: 'one' }, spec: { taskDefinition: ARN } });
    expect(task.kind === 'Task' && task.spec.taskDefinition).toBe('gha-def:1');
    const stored = await resources.get('Service', { name: 'web' });
    expect(stored?.kind === 'Service' && stored.spec.taskDefinition).toBe('gha-def:1');
  });

  it('refuses an ARN that is not a task definition revision, naming the field', async () => {
    const bad = {
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:service/default/web', desiredCount: 1 },
    };
    await expect(resources.create(bad)).rejects.toMatchObject({ issues: [{ path: ['spec', 'taskDefinition'], message: expect.stringContaining('ARN') }] });
  });
});
