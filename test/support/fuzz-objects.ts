/**
 * Inputs for fuzzing what takes objects (the api/v1 schemas, manifest loading, the HTTP API): a
 * corpus of valid objects of every kind (the examples shipped in manifests/, ECS's own task
 * definitions, minimal specs, and a few with every optional part), and mutations of them that
 * change one to three places. Mutants of valid objects reach far deeper into the schemas than
 * random JSON, which fails at the envelope.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { isPlainObject } from '../../api/merge-patch.js';
import { validateObject } from '../../api/v1/index.js';
import { MINIMAL_SPECS, rawContainer, rawObject, rawTaskDefinition } from '../../api/v1/testing.js';
import { validCorpusSpecs } from '../fixtures/ecs-task-definitions/corpus.js';

type Plain = Record<string, unknown>;
export type Path = (string | number)[];

const root = fileURLToPath(new URL('../..', import.meta.url));

function documentsOf(file: string): unknown[] {
  const text = readFileSync(file, 'utf8');
  return parseAllDocuments(text).flatMap((d) => (Array.isArray(d) ? [] : [d.toJS() as unknown]));
}

/** A berth object for an ECS task definition as `register-task-definition` takes it. */
const fromEcs = (ecs: Plain): Plain => ({ apiVersion: 'berth.dev/v1', kind: 'TaskDefinition', metadata: { name: ecs.family }, spec: ecs });

const examples = readdirSync(join(root, 'manifests', 'examples'))
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .flatMap((f) => documentsOf(join(root, 'manifests', 'examples', f)))
  .map((doc) => (isPlainObject(doc) && !('apiVersion' in doc) ? fromEcs(doc) : doc));

const ecsTaskDefinitions = validCorpusSpecs()
  .map(({ spec }) => spec)
  .filter((doc) => typeof doc.family === 'string')
  .map(fromEcs);

const rich: Plain[] = [
  rawObject(
    'Service',
    {
      taskDefinition: 'web:3',
      desiredCount: 3,
      placementStrategy: [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ],
      placementConstraints: [{ type: 'distinctInstance' }, { type: 'memberOf', expression: 'attribute:stack == prod and not(task:group == db)' }],
      deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
      healthCheckGracePeriodSeconds: 10,
    },
    'web',
  ),
  {
    ...rawObject('Service', { taskDefinition: 'web' }, 'labelled'),
    metadata: { name: 'labelled', cluster: 'blue', labels: { app: 'web', tier: 'front' }, annotations: { 'berth.dev/note': 'n' } },
  },
  { ...rawObject('Cluster', { settings: { containerInsights: 'enabled' } }, 'with-settings') },
  {
    ...rawObject(
      'ContainerInstance',
      { registeredResources: { cpu: 2048, memory: 4096 }, attributes: { stack: 'prod', 'ecs.availability-zone': 'a' } },
      'node-1',
    ),
    metadata: { name: 'node-1', labels: { app: 'web', 'app.kubernetes.io/name': 'x' }, annotations: { note: 'n' }, finalizers: ['berth.dev/x'] },
  },
  rawObject(
    'Task',
    {
      taskDefinition: 'web:1',
      containerInstance: 'node-1',
      group: 'service:web',
      startedBy: 'me',
      overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'A', value: '1' }] }] },
    },
    't-1',
  ),
  rawTaskDefinition({
    containerDefinitions: [
      rawContainer('app', {
        portMappings: [{ containerPort: 80, hostPort: 0 }],
        dependsOn: [{ containerName: 'side', condition: 'START' }],
        healthCheck: { command: ['CMD', 'true'], interval: 5 },
      }),
      rawContainer('side', {
        essential: false,
        environment: [{ name: 'X', value: 'y' }],
        ulimits: [{ name: 'nofile', softLimit: 10, hardLimit: 20 }],
        dockerLabels: { team: 'a' },
        logConfiguration: { logDriver: 'json-file', options: { 'max-size': '1m' } },
      }),
    ],
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:a exists' }],
    cpu: '256',
    memory: '0.5 GB',
  }),
  rawObject('Cluster', {}, 'prod'),
];

/** Valid raw objects of every kind, as users write them. */
export const CORPUS: readonly Plain[] = [
  ...Object.entries(MINIMAL_SPECS).map(([kind, spec]) => rawObject(kind, { ...spec }, `min-${kind.toLowerCase()}`)),
  ...rich,
  ...examples.filter(isPlainObject),
  // Some of ECS's samples leave out what berth needs (a container's memory): those are left out here.
  ...ecsTaskDefinitions.filter((td) => validateObject(td).ok),
];

/** Every path into `value` (objects and arrays, the root included as []). */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

export function getAt(value: unknown, path: Path): unknown {
  let node = value;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isPlainObject(node) && typeof segment === 'string' && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

/** What one mutation does at a place: replace it, remove it, or add a member beside it. */
type Edit = { op: 'set'; value: unknown } | { op: 'delete' } | { op: 'add'; key: string; value: unknown };

/**
 * `value` with `edit` made at `path`, copying only the objects and arrays along the path: the rest is
 * shared with `value`, as a controller's changed copy of a cached object shares it.
 */
export function editAt(value: unknown, path: Path, edit: Edit): unknown {
  const [head, ...rest] = path;
  if (head === undefined) {
    if (edit.op === 'set') return edit.value;
    if (edit.op === 'add' && isPlainObject(value)) return put({ ...value }, edit.key, edit.value);
    return edit.op === 'delete' ? undefined : value;
  }
  if (Array.isArray(value) && typeof head === 'number') {
    const copy = [...value];
    if (rest.length === 0 && edit.op === 'delete') copy.splice(head, 1);
    else copy[head] = editAt(value[head], rest, edit);
    return copy;
  }
  if (isPlainObject(value) && typeof head === 'string') {
    const copy = { ...value };
    if (rest.length === 0 && edit.op === 'delete') delete copy[head];
    else put(copy, head, editAt(value[head], rest, edit));
    return copy;
  }
  return value;
}

/** `object[key] = value`, also for a key named `__proto__` (an own member, as JSON.parse makes it). */
function put(object: Plain, key: string, value: unknown): Plain {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Values that are wrong in the ways people get them wrong: types, ranges, units, shapes, names. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e21,
    -0,
    65536,
    '',
    ' ',
    '0',
    '512',
    '0.5 GB',
    'web:3',
    'a:b:c',
    'UPPER',
    'x'.repeat(300),
    '\u0000',
    '\u{1F600}',
    [],
    {},
    [null],
    { '': 1 },
  ),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -2, max: 100_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 2 }),
);
const oddKey = fc.oneof(
  { arbitrary: fc.constantFrom('bogus', 'Name', 'image ', '', '__proto__', 'constructor', 'toString', 'status', 'spec', 'kind'), weight: 3 },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  oddValue.map((value): Edit => ({ op: 'set', value })),
  fc.constant<Edit>({ op: 'delete' }),
  // A string value half the time: what most maps (labels, options, attributes) hold.
  fc.tuple(oddKey, fc.oneof(oddValue, fc.constantFrom('v', 'x-1'))).map(([key, value]): Edit => ({ op: 'add', key, value })),
);

/** One to three edits at random places of `base`. */
export function mutantOf(base: unknown): fc.Arbitrary<unknown> {
  return fc.array(fc.tuple(fc.nat(), edit), { minLength: 1, maxLength: 3 }).map((edits) => {
    let value = base;
    for (const [pick, e] of edits) {
      // A member can only be added to an object: pick among those, so no edit is wasted.
      const paths = pathsOf(value).filter((p) => e.op !== 'add' || isPlainObject(getAt(value, p)));
      const path = paths[pick % paths.length] ?? [];
      value = editAt(value, path, e);
    }
    return value;
  });
}

/** A corpus object, or a mutant of one (mostly). */
export const objectInput: fc.Arbitrary<unknown> = fc
  .constantFrom(...CORPUS)
  .chain((base) => fc.oneof({ arbitrary: fc.constant<unknown>(base), weight: 1 }, { arbitrary: mutantOf(base), weight: 6 }));
