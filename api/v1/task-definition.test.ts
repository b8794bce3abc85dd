import { describe, expect, it } from 'vitest';
import { formatTaskDefinitionRef, parseTaskDefinitionRef, TaskDefinition, validateObject } from './index.js';
import { rawTaskDefinition } from './testing.js';

describe('task definition references', () => {
  it.each([
    ['web', { family: 'web' }],
    ['web:3', { family: 'web', revision: 3 }],
    ['my_app-2:10', { family: 'my_app-2', revision: 10 }],
    ['web:0', undefined],
    ['web:03', undefined],
    ['web:x', undefined],
    ['web:1:2', undefined],
    [':1', undefined],
    ['web.app', undefined],
    ['', undefined],
  ])('parseTaskDefinitionRef(%j) = %j', (text, ref) => {
    expect(parseTaskDefinitionRef(text)).toEqual(ref);
  });

  it.each(['web', 'web:3', 'a_b-c:12345'])('format(parse(%j)) round-trips', (text) => {
    const ref = parseTaskDefinitionRef(text);
    expect(ref && formatTaskDefinitionRef(ref)).toBe(text);
  });
});

describe('family and metadata.name', () => {
  it.each([
    ['web', undefined, 'web'],
    ['web', 'web', 'web'],
    ['web:3', undefined, 'web'],
    ['web:3', 'web', 'web'],
  ])('name %j with spec.family %j has family %j', (name, family, expected) => {
    const parsed = TaskDefinition.parse(rawTaskDefinition(family ? { family } : {}, name));
    expect(parsed.spec.family).toBe(expected);
  });

  it.each([
    ['web', 'api', ['spec', 'family'], /family "api" does not match metadata.name "web"/],
    ['web:3', 'api', ['spec', 'family'], /does not match metadata.name "web:3"/],
    ['web.app', undefined, ['metadata', 'name'], /named by its family \("web"\) or family:revision/],
  ] as const)('name %j with family %j is rejected at %j', (name, family, path, message) => {
    const result = validateObject(rawTaskDefinition(family ? { family } : {}, name));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]?.path).toEqual(path);
    expect(result.issues[0]?.message).toMatch(message);
  });

  it('a stored revision whose status.revision disagrees with its name is rejected', () => {
    const result = validateObject({ ...rawTaskDefinition({}, 'web:3'), status: { status: 'ACTIVE', revision: 4 } });
    expect(result.ok ? [] : result.issues).toEqual([{ path: ['status', 'revision'], message: 'revision 4 does not match metadata.name "web:3"' }]);
  });

  it('a stored revision with matching status validates', () => {
    const result = validateObject({
      ...rawTaskDefinition({}, 'web:3'),
      status: { status: 'INACTIVE', revision: 3, registeredAt: '2024-05-01T10:00:00Z', deregisteredAt: '2024-05-02T10:00:00.5+02:00' },
    });
    expect(result.ok ? [] : result.issues).toEqual([]);
  });
});
