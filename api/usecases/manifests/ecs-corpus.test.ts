/**
 * The corpus of real task definitions (test/fixtures/ecs-task-definitions) through the loader that
 * validate, apply and gitops use: every valid one loads clean, every broken one is rejected naming
 * the file and each bad field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusEntries, corpusPath } from '../../../test/fixtures/ecs-task-definitions/corpus.js';
import { loadManifests, loadTexts } from './index.js';

const entries = corpusEntries();
const valid = entries.filter((e) => e.valid);
const broken = entries.filter((e) => !e.valid);

async function load(file: string) {
  const { manifests, errors } = await loadManifests([corpusPath(file)]);
  expect(manifests).toHaveLength(1);
  return { manifest: manifests[0], errors };
}

describe('the corpus of real ECS task definitions', () => {
  it('holds at least 30 task definitions, each one in the index with its source', () => {
    const files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(entries.map((e) => e.file).sort());
    expect(entries.length).toBeGreaterThanOrEqual(30);
    for (const e of broken) expect(e.errors?.length, `${e.file} lists the errors it must give`).toBeGreaterThan(0);
  });

  it.each(valid.map((e) => e.file))('%s validates', async (file) => {
    const { manifest, errors } = await load(file);
    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([]);
    if (!manifest?.ok || manifest.object.kind !== 'TaskDefinition') throw new Error('expected a TaskDefinition');
    const raw: unknown = JSON.parse(readFileSync(corpusPath(file), 'utf8'));
    const doc = (typeof raw === 'object' && raw !== null && 'taskDefinition' in raw ? raw.taskDefinition : raw) as { containerDefinitions: { name: string }[] };
    expect(manifest.object.spec.containerDefinitions.map((c) => c.name)).toEqual(doc.containerDefinitions.map((c) => c.name));
  });

  it.each(broken.map((e) => [e.file, e] as const))('%s is rejected naming the file and its fields', async (file, entry) => {
    const { errors } = await load(file);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.file).toBe(corpusPath(file));
      expect(e.line).toBeGreaterThan(0);
    }
    const said = errors.map((e) => ({ path: e.path, message: e.message }));
    for (const want of entry.errors ?? []) expect(said).toContainEqual({ path: want.path, message: expect.stringContaining(want.message) });
    expect(said).toHaveLength(entry.errors?.length ?? 0);
  });
});

describe('what ECS users hold becomes a clean spec', () => {
  const loadOne = (text: string) => {
    const { manifests, errors } = loadTexts([{ file: 'td.json', text }]);
    const m = manifests[0];
    if (!m?.ok || m.object.kind !== 'TaskDefinition') throw new Error(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    return m.object.spec;
  };

  it('normalizes ECS cpu and memory strings to numbers', async () => {
    const { manifest } = await load('webserver-fargate.json');
    if (!manifest?.ok || manifest.object.kind !== 'TaskDefinition') throw new Error('expected a TaskDefinition');
    expect(manifest.object.spec).toMatchObject({ cpu: 256, memory: 512, networkMode: 'awsvpc', family: 'fargate-task-definition' });
  });

  it.each([
    [256, '512', 256, 512],
    ['256', '0.5 GB', 256, 512],
    ['1 vCPU', '2 GB', 1024, 2048],
    ['.25 vcpu', '.5 gb', 256, 512],
    ['0.5 vCPU', '1GB', 512, 1024],
  ])('task cpu %j and memory %j become %d units and %d MiB', (cpu, memory, units, mib) => {
    const spec = loadOne(JSON.stringify({ family: 'f', cpu, memory, containerDefinitions: [{ name: 'a', image: 'x' }] }));
    expect(spec).toMatchObject({ cpu: units, memory: mib });
  });

  it('drops the nulls, empty lists and read-only fields a console export writes', () => {
    const spec = loadOne(readFileSync(corpusPath('describe-bare-nulls-requires-attributes.json'), 'utf8'));
    expect(spec).not.toHaveProperty('taskDefinitionArn');
    expect(spec).not.toHaveProperty('requiresAttributes');
    expect(spec).not.toHaveProperty('ipcMode');
    expect(spec).not.toHaveProperty('volumes');
    expect(spec.containerDefinitions[0]).not.toHaveProperty('entryPoint');
    expect(spec.containerDefinitions[0]).not.toHaveProperty('mountPoints');
    expect(JSON.stringify(spec)).not.toContain('null');
  });

  it('keeps an environment variable set to the empty string, and sets one written as null to it', () => {
    const spec = loadOne(
      JSON.stringify({
        family: 'f',
        containerDefinitions: [
          {
            name: 'a',
            image: 'x',
            memory: 64,
            environment: [
              { name: 'EMPTY', value: '' },
              { name: 'GONE', value: null },
            ],
            command: ['sh', '-c', ''],
          },
        ],
      }),
    );
    expect(spec.containerDefinitions[0]?.environment).toEqual([
      { name: 'EMPTY', value: '' },
      { name: 'GONE', value: '' },
    ]);
    expect(spec.containerDefinitions[0]?.command).toEqual(['sh', '-c', '']);
  });
});
