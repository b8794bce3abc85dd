import { describe, expect, it } from 'vitest';
import { loadTexts } from '../usecases/manifests/index.js';
import { validateObject, validateObjectOver } from './index.js';
import { RESERVED_KEY_MESSAGE } from './reserved-keys.js';
import { rawContainer, rawObject, rawTaskDefinition } from './testing.js';

/** `value` with an own member `__proto__` (as JSON.parse makes it) set to `member`. */
const withProto = (value: Record<string, unknown>, member: unknown) =>
  Object.defineProperty({ ...value }, '__proto__', { value: member, enumerable: true, writable: true, configurable: true });

// Found by schemas.fuzz.test.ts: zod skips a "__proto__" key in every map, so such a label, option
// or attribute was accepted and silently dropped from what was stored.
describe('a member named __proto__', () => {
  it.each<[string, Record<string, unknown>, (string | number)[]]>([
    [
      'a label',
      { ...rawObject('Service', { taskDefinition: 'web' }), metadata: { name: 'x', labels: withProto({ app: 'web' }, 'v') } },
      ['metadata', 'labels', '__proto__'],
    ],
    [
      'an annotation',
      { ...rawObject('Service', { taskDefinition: 'web' }), metadata: { name: 'x', annotations: withProto({}, 'v') } },
      ['metadata', 'annotations', '__proto__'],
    ],
    [
      'an instance attribute',
      rawObject('ContainerInstance', { registeredResources: { cpu: 1, memory: 1 }, attributes: withProto({}, 'v') }),
      ['spec', 'attributes', '__proto__'],
    ],
    ['a cluster setting', rawObject('Cluster', { settings: withProto({}, 'v') }), ['spec', 'settings', '__proto__']],
    [
      'a docker label',
      rawTaskDefinition({ containerDefinitions: [rawContainer('app', { dockerLabels: withProto({}, 'v') })] }),
      ['spec', 'containerDefinitions', 0, 'dockerLabels', '__proto__'],
    ],
    [
      'a log option',
      rawTaskDefinition({ containerDefinitions: [rawContainer('app', { logConfiguration: { logDriver: 'json-file', options: withProto({}, 'v') } })] }),
      ['spec', 'containerDefinitions', 0, 'logConfiguration', 'options', '__proto__'],
    ],
  ])('is refused in %s, at its path, not silently dropped', (_what, raw, path) => {
    expect(validateObject(raw)).toEqual({ ok: false, issues: [{ path, message: RESERVED_KEY_MESSAGE }] });
  });

  it('is reported once where the schema already names it an unknown field', () => {
    const result = validateObject(rawObject('Service', withProto({ taskDefinition: 'web' }, 1)));
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map((i) => i.path.join('.'))).toEqual(['spec.__proto__']);
  });

  it("is refused by validateObjectOver too, whose verdict must be validateObject's", () => {
    const known = validateObject(rawObject('ContainerInstance', { registeredResources: { cpu: 1, memory: 1 } }));
    if (!known.ok) throw new Error('fixture');
    const raw = { ...known.object, spec: { ...known.object.spec, attributes: withProto({}, 'v') } };
    expect(validateObjectOver(known.object, raw)).toEqual(validateObject(raw));
    expect(validateObjectOver(known.object, raw).ok).toBe(false);
  });

  it('is reported by manifest loading at the line and column of the key', () => {
    const text = 'apiVersion: berth.dev/v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    app: web\n    __proto__: x\nspec:\n  taskDefinition: web\n';
    const { errors } = loadTexts([{ file: 'web.yaml', text }]);
    expect(errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`)).toEqual([`7:16 metadata.labels.__proto__: ${RESERVED_KEY_MESSAGE}`]);
  });
});
