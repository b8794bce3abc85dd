import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateObject } from './index.js';

const dir = join(import.meta.dirname, 'testdata', 'ecs');
const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const familyOf = (ecs: Record<string, unknown>) => (typeof ecs.family === 'string' ? ecs.family : 'unnamed');
const wrap = (ecs: Record<string, unknown>) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition',
  metadata: { name: familyOf(ecs) },
  spec: ecs,
});

/** ECS itself rejects this documentation example for EC2: it declares no memory at all. */
const REJECTED = 'appmesh-container-dependency.json';
const accepted = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== REJECTED);

describe('real ECS task definitions drop in unchanged', () => {
  it('has at least the fixtures the docs give', () => {
    expect(accepted.length).toBeGreaterThanOrEqual(10);
  });

  it.each(accepted)('%s validates', (file) => {
    const result = validateObject(wrap(read(file)));
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it.each(accepted)('%s keeps every field it was given', (file) => {
    const ecs = read(file);
    const result = validateObject(wrap(ecs));
    if (!result.ok || result.object.kind !== 'TaskDefinition') throw new Error('expected a TaskDefinition');
    for (const key of Object.keys(ecs)) expect(result.object.spec).toHaveProperty(key);
    expect(result.object.spec.containerDefinitions.map((c) => c.name)).toEqual(
      (ecs.containerDefinitions as { name: string }[]).map((c) => c.name),
    );
  });

  it('normalizes ECS cpu and memory strings to numbers', () => {
    const result = validateObject(wrap(read('webserver-fargate.json')));
    if (!result.ok || result.object.kind !== 'TaskDefinition') throw new Error('expected a TaskDefinition');
    expect(result.object.spec).toMatchObject({ cpu: 256, memory: 512, networkMode: 'awsvpc', family: 'fargate-task-definition' });
  });

  it('rejects the container-dependency example without memory, as ECS does for EC2', () => {
    const result = validateObject(wrap(read(REJECTED)));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path.join('.'))).toEqual([
      'spec.containerDefinitions.0.memory',
      'spec.containerDefinitions.1.memory',
    ]);
    expect(result.issues[0]?.message).toContain('needs memory or memoryReservation');
  });

  it('accepts the container-dependency example once task memory is set', () => {
    const result = validateObject(wrap({ ...read(REJECTED), memory: '512' }));
    expect(result.ok ? [] : result.issues).toEqual([]);
  });
});
