/**
 * The committed JSON Schemas are what the generator writes now, and they describe the input that
 * validation accepts (checked with a real JSON Schema validator, as an editor would use them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KindName } from '../keys.js';
import { ALL_KINDS_SCHEMA_FILE, renderJsonSchemas, schemaFileName } from './json-schema.js';
import { validCorpusSpecs } from '../../test/fixtures/ecs-task-definitions/corpus.js';
import { MINIMAL_SPECS, rawObject, rawTaskDefinition } from './testing.js';

const root = join(import.meta.dirname, '..', '..');
const schemaDir = join(root, 'manifests', 'schemas');
const rendered = renderJsonSchemas();

describe('generated JSON Schemas', () => {
  it('are committed and up to date (run `npm run build && npm run schemas` after changing api/v1)', () => {
    const onDisk = readdirSync(schemaDir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(onDisk).toEqual([...rendered.keys()].sort());
    for (const [file, content] of rendered) expect(readFileSync(join(schemaDir, file), 'utf8'), file).toBe(content);
  });

  it.each([
    ['Cluster', 'cluster.json'],
    ['ContainerInstance', 'container-instance.json'],
    ['TaskDefinition', 'task-definition.json'],
  ] as const)('names %s file %s', (kind, file) => {
    expect(schemaFileName(kind)).toBe(file);
  });
});

describe('the all-kinds schema, as an editor uses it', () => {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(JSON.parse(rendered.get(ALL_KINDS_SCHEMA_FILE) ?? '{}'));

  const accepted: [string, unknown][] = [
    ...(Object.keys(MINIMAL_SPECS) as KindName[]).map((k): [string, unknown] => [`minimal ${k} (defaults omitted)`, rawObject(k, MINIMAL_SPECS[k])]),
    ['task cpu/memory as ECS strings', rawTaskDefinition({ cpu: '1 vCPU', memory: '2 GB' })],
    ...validCorpusSpecs().map(({ file, spec }): [string, unknown] => [
      `ECS ${file}`,
      { apiVersion: 'berth.dev/v1', kind: 'TaskDefinition', metadata: { name: spec.family }, spec },
    ]),
    ...readdirSync(join(root, 'manifests', 'examples'))
      .filter((f) => /\.ya?ml$/.test(f))
      .flatMap((f) =>
        parseAllDocuments(readFileSync(join(root, 'manifests', 'examples', f), 'utf8')).map((d, i): [string, unknown] => [`example ${f}#${i}`, d.toJS()]),
      ),
  ];

  it.each(accepted)('accepts %s', (_name, doc) => {
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
  });

  it.each([
    ['a misspelt field', rawTaskDefinition({ containerDefinitions: [{ name: 'a', image: 'i', memroy: 5 }] })],
    ['an unknown kind', { apiVersion: 'berth.dev/v1', kind: 'Pod', metadata: { name: 'a' }, spec: {} }],
    [
      'an out-of-range health check',
      rawTaskDefinition({ containerDefinitions: [{ name: 'a', image: 'i', memory: 8, healthCheck: { command: ['CMD', 'x'], interval: 0 } }] }),
    ],
    ['a task cpu that is no amount', rawTaskDefinition({ cpu: 'lots' })],
    ['a service without taskDefinition', rawObject('Service', {})],
  ])('rejects %s', (_name, doc) => {
    expect(validate(doc)).toBe(false);
  });
});
