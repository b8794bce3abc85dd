import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadResult, READ_ONLY_FIELDS, STDIN_NAME, formatManifestError, loadManifests } from './index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-manifests-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let dirCount = 0;
/** Writes `files` (relative path → content) under a fresh directory and returns its path. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = join(root, `t${dirCount++}`);
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
  return dir;
}

/** 1-based line and column of the first occurrence of `needle` (after `after`, if given) in `text`. */
function at(text: string, needle: string, after = ''): { line: number; column: number } {
  const offset = text.indexOf(needle, after ? text.indexOf(after) : 0);
  if (offset < 0) throw new Error(`fixture does not contain ${needle}`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

const ids = (r: LoadResult) => r.manifests.map((m) => (m.ok ? `${m.object.kind}/${m.object.metadata.name}` : 'error'));

const taskDef = (name: string, extra = '') => `apiVersion: berth.dev/v1
kind: TaskDefinition
metadata:
  name: ${name}
spec:
  family: ${name}
  containerDefinitions:
    - name: app
      image: berth.local/busybox:1
      memory: 16
${extra}`;

const service = (name: string, cluster = 'default') => `apiVersion: berth.dev/v1
kind: Service
metadata:
  name: ${name}
  cluster: ${cluster}
spec:
  taskDefinition: ${name}
  desiredCount: 2
`;

describe('reading documents', () => {
  it('reads every non-empty document of a multi-document YAML file, with its index and line', async () => {
    const text = `${taskDef('web')}---\n# nothing but a comment\n---\n${service('web')}---\n`;
    const dir = await tree({ 'all.yaml': text });
    const r = await loadManifests([join(dir, 'all.yaml')]);
    expect(r.errors.map(formatManifestError)).toEqual([]);
    expect(ids(r)).toEqual(['TaskDefinition/web', 'Service/web']);
    expect(r.manifests.map((m) => [m.source.documentIndex, m.source.line])).toEqual([
      [0, 1],
      [2, at(text, 'kind: Service').line - 1],
    ]);
    expect(r.manifests[1]?.raw).toMatchObject({ kind: 'Service', spec: { desiredCount: 2 } });
  });

  it.each([
    [true, ['a/sub/c.json', 'a/z.yml', 'b.yaml', 'd.YAML']],
    [false, ['b.yaml', 'd.YAML']],
  ])('reads a directory (recursive: %s) in path order, only manifest extensions, skipping hidden entries', async (recursive, expected) => {
    const json = (name: string) =>
      JSON.stringify({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name }, spec: { taskDefinition: name, desiredCount: 1 } });
    const dir = await tree({
      'b.yaml': service('b'),
      'd.YAML': service('d'),
      'a/z.yml': service('z'),
      'a/sub/c.json': json('c'),
      'notes.txt': 'not: a manifest',
      '.hidden/x.yaml': service('hidden'),
      '.hidden.yaml': service('hidden2'),
    });
    const r = await loadManifests([dir], { recursive });
    expect(r.errors.map(formatManifestError)).toEqual([]);
    expect(r.manifests.map((m) => m.source.file.slice(dir.length + 1))).toEqual(expected);
  });

  it('reads standard input for "-"', async () => {
    const text = `${service('one')}---\n${service('two')}`;
    const r = await loadManifests(['-'], { stdin: Readable.from([Buffer.from(text.slice(0, 40)), Buffer.from(text.slice(40))]) });
    expect(r.errors).toEqual([]);
    expect(ids(r)).toEqual(['Service/one', 'Service/two']);
    expect(r.manifests.every((m) => m.source.file === STDIN_NAME)).toBe(true);
  });

  it('reports a path that does not exist, and still reads the others', async () => {
    const dir = await tree({ 'ok.yaml': service('ok') });
    const r = await loadManifests([join(dir, 'missing.yaml'), join(dir, 'ok.yaml')]);
    expect(ids(r)).toEqual(['Service/ok']);
    expect(r.errors.map(formatManifestError)).toEqual([`${join(dir, 'missing.yaml')}: no such file or directory; check the path given to -f`]);
  });
});

describe('ECS task definition JSON', () => {
  const registerInput = {
    family: 'batch',
    networkMode: 'bridge',
    containerDefinitions: [{ name: 'job', image: 'berth.local/busybox:1', memory: 16, command: ['sh', '-c', 'exit 0'] }],
  };
  const described = {
    taskDefinition: {
      ...registerInput,
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/batch:7',
      revision: 7,
      status: 'ACTIVE',
      requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
      compatibilities: ['EC2'],
      registeredAt: '2024-05-01T10:00:00.000Z',
      registeredBy: 'arn:aws:iam::123456789012:user/someone',
      deregisteredAt: '2024-06-01T10:00:00.000Z',
    },
    tags: [{ key: 'team', value: 'data' }],
  };

  it.each([
    ['register-task-definition input', registerInput, 'ecs-register-input', registerInput],
    ['describe-task-definition output', described, 'ecs-describe-output', { ...registerInput, tags: described.tags }],
  ])('accepts %s as a TaskDefinition named after the family', async (_name, document, form, spec) => {
    const dir = await tree({ 'batch.json': JSON.stringify(document, null, 2) });
    const r = await loadManifests([join(dir, 'batch.json')]);
    expect(r.errors.map(formatManifestError)).toEqual([]);
    const [m] = r.manifests;
    expect(m?.source.form).toBe(form);
    if (!m?.ok) throw new Error('expected a valid manifest');
    expect(m.object).toMatchObject({ apiVersion: 'berth.dev/v1', kind: 'TaskDefinition', metadata: { name: 'batch', cluster: 'default' } });
    expect(m.object.spec).toMatchObject(spec);
    for (const field of READ_ONLY_FIELDS) expect(m.object.spec).not.toHaveProperty(field);
  });

  it('reports errors at the paths and positions of the JSON as written', async () => {
    const text = JSON.stringify({ family: 'batch', containerDefinitions: [{ name: 'job', memory: 16 }] }, null, 2);
    const dir = await tree({ 'batch.json': text });
    const r = await loadManifests([join(dir, 'batch.json')]);
    const where = at(text, '{', '"containerDefinitions"');
    expect(r.errors.map(formatManifestError)).toContainEqual(
      expect.stringMatching(new RegExp(`^${join(dir, 'batch.json')}:${where.line}:${where.column}: containerDefinitions\\[0\\]\\.image: .+`)),
    );
  });
});

describe('errors', () => {
  it('reports every YAML syntax error of a file with its line and column, and keeps reading the other documents', async () => {
    const text = `${service('ok')}---\nkind: Service\nmetadata: {name: x\nspec: [1, 2\n---\na: 1\na: 2\n`;
    const dir = await tree({ 'broken.yaml': text });
    const r = await loadManifests([join(dir, 'broken.yaml')]);
    expect(ids(r)).toEqual(['Service/ok', 'error', 'error']);
    expect(r.errors.length).toBeGreaterThanOrEqual(3);
    for (const e of r.errors) {
      expect(e.file).toBe(join(dir, 'broken.yaml'));
      expect(e.line).toBeGreaterThan(at(text, 'kind: Service', '---').line - 1);
      expect(e.message).not.toContain('\n');
    }
    expect(r.errors.at(-1)).toMatchObject({ ...at(text, 'a: 2'), message: 'Map keys must be unique' });
  });

  it('reports a JSON syntax error at its position', async () => {
    const text = '{\n  "family": "batch"\n  "containerDefinitions": []\n}\n';
    const dir = await tree({ 'bad.json': text });
    const r = await loadManifests([join(dir, 'bad.json')]);
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors[0]?.line).toBe(at(text, '"containerDefinitions"').line);
  });

  // Each case: a document, the field path reported, and the text the error must point at (its first
  // occurrence after `after`).
  it.each([
    ['an unknown kind', `apiVersion: berth.dev/v1\nkind: Servise\nmetadata:\n  name: x\nspec: {}\n`, 'kind', 'Servise', ''],
    ['a wrong apiVersion', `apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec: {}\n`, 'apiVersion', 'v1', ''],
    ['a bad name', `apiVersion: berth.dev/v1\nkind: Service\nmetadata:\n  name: "no spaces"\nspec: {}\n`, 'metadata.name', '"no spaces"', ''],
    [
      'a missing name (at the closest ancestor)',
      `apiVersion: berth.dev/v1\nkind: Service\nmetadata:\n  cluster: c\nspec: {}\n`,
      'metadata.name',
      'metadata',
      '',
    ],
    [
      'a label key with dots',
      `apiVersion: berth.dev/v1\nkind: Service\nmetadata:\n  name: x\n  labels:\n    app.kubernetes.io/name: 7\nspec: {}\n`,
      'metadata.labels["app.kubernetes.io/name"]',
      '7',
      '',
    ],
    [
      'a misspelt field, at its key',
      `apiVersion: berth.dev/v1\nkind: Service\nmetadata:\n  name: x\n  lables: {}\nspec: {}\n`,
      'metadata.lables',
      'lables',
      '',
    ],
    ['a container without image', taskDef('web').replace('      image: berth.local/busybox:1\n', ''), 'spec.containerDefinitions[0].image', 'name: app', ''],
    [
      'a health check interval out of range (1-300)',
      taskDef('web', '      healthCheck:\n        command: ["CMD-SHELL", "exit 0"]\n        interval: 0\n'),
      'spec.containerDefinitions[0].healthCheck.interval',
      '0',
      'interval',
    ],
  ])('locates %s', async (_name, text, path, target, after) => {
    const dir = await tree({ 'm.yaml': text });
    const r = await loadManifests([join(dir, 'm.yaml')]);
    const error = r.errors.find((e) => e.path === path);
    expect(error, r.errors.map(formatManifestError).join('\n')).toMatchObject({ file: join(dir, 'm.yaml'), ...at(text, target, after) });
    expect(error?.message.length).toBeGreaterThan(0);
  });

  it('reports all schema errors of a file, across documents, in position order', async () => {
    const text = [
      taskDef('web', '      healthCheck:\n        command: ["CMD-SHELL", "exit 0"]\n        interval: 0\n').replace('      image: berth.local/busybox:1\n', ''),
      `apiVersion: berth.dev/v1\nkind: Service\nmetadata:\n  name: "bad name"\nspec: {}\n`,
    ].join('---\n');
    const dir = await tree({ 'many.yaml': text });
    const r = await loadManifests([join(dir, 'many.yaml')]);
    const paths = r.errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['spec.containerDefinitions[0].image', 'spec.containerDefinitions[0].healthCheck.interval', 'metadata.name']));
    const lines = r.errors.map((e) => e.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it.each([
    ['the same service twice in one file', { 'a.yaml': `${service('web')}---\n${service('web')}` }, 1],
    ['the same service in two files', { 'a.yaml': service('web'), 'b.yaml': service('web') }, 1],
    [
      'a task definition as YAML and as ECS JSON',
      { 'a.yaml': taskDef('web'), 'b.json': '{"family": "web", "containerDefinitions": [{"name": "a", "image": "i", "memory": 8}]}' },
      1,
    ],
    ['the same name in two clusters', { 'a.yaml': service('web', 'one'), 'b.yaml': service('web', 'two') }, 0],
    ['a service and a task definition with one name', { 'a.yaml': service('web'), 'b.yaml': taskDef('web') }, 0],
  ])('duplicates: %s', async (_name, files, expected) => {
    const dir = await tree(files);
    const r = await loadManifests([dir]);
    expect(r.errors).toHaveLength(expected);
    if (expected === 0) return;
    const [first, second] = r.manifests.map((m) => m.source);
    const message = r.errors[0]?.message ?? '';
    expect(r.errors[0]?.file).toBe(second?.file);
    expect(message).toMatch(/^duplicate (Service|TaskDefinition) "web" in cluster "default", first defined at /);
    expect(message).toContain(`${first?.file}:`);
  });
});
