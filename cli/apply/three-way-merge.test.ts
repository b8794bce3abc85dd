import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../../api/merge-patch.js';
import { threeWayMergePatch, type JsonObject } from './three-way-merge.js';

type Case = [name: string, original: JsonObject | undefined, modified: JsonObject, current: JsonObject, patch: JsonObject];

describe('threeWayMergePatch', () => {
  it.each<Case>([
    ['nothing changed', { spec: { a: 1 } }, { spec: { a: 1 } }, { spec: { a: 1 } }, {}],
    ['a changed value', { spec: { a: 1 } }, { spec: { a: 2 } }, { spec: { a: 1 } }, { spec: { a: 2 } }],
    ['a field removed from the file is removed', { spec: { a: 1, b: 2 } }, { spec: { a: 1 } }, { spec: { a: 1, b: 2 } }, { spec: { b: null } }],
    ['a removed field already gone needs nothing', { spec: { a: 1, b: 2 } }, { spec: { a: 1 } }, { spec: { a: 1 } }, {}],
    ['fields set by others are kept', { spec: { a: 1 } }, { spec: { a: 1 } }, { spec: { a: 1, desiredCount: 5 } }, {}],
    [
      'the file wins over others for fields it sets',
      { spec: { desiredCount: 3 } },
      { spec: { desiredCount: 3 } },
      { spec: { desiredCount: 5 } },
      { spec: { desiredCount: 3 } },
    ],
    ['no record: nothing is deleted', undefined, { spec: { a: 1 } }, { spec: { a: 1, b: 2 } }, {}],
    ['nested removal', { spec: { d: { x: 1, y: 2 } } }, { spec: { d: { x: 1 } } }, { spec: { d: { x: 1, y: 2, z: 3 } } }, { spec: { d: { y: null } } }],
    ['a whole object removed', { metadata: { labels: { a: 'b' } } }, { metadata: {} }, { metadata: { labels: { a: 'b' } } }, { metadata: { labels: null } }],
    ['arrays are replaced whole', { spec: { l: [1, 2] } }, { spec: { l: [1] } }, { spec: { l: [1, 2] } }, { spec: { l: [1] } }],
    ['equal arrays are no change', { spec: { l: [{ a: 1 }] } }, { spec: { l: [{ a: 1 }] } }, { spec: { l: [{ a: 1 }] } }, {}],
    ['explicit null deletes a live field', undefined, { spec: { a: null } }, { spec: { a: 1 } }, { spec: { a: null } }],
    ['a new object is added whole', { spec: {} }, { spec: { p: { q: 1 } } }, { spec: {} }, { spec: { p: { q: 1 } } }],
    ['an object replacing a scalar', undefined, { spec: { p: { q: 1 } } }, { spec: { p: 3 } }, { spec: { p: { q: 1 } } }],
  ])('%s', (_name, original, modified, current, expected) => {
    const patch = threeWayMergePatch(original, modified, current);
    expect(patch).toEqual(expected);
  });

  it('applied to the live object, gives the file plus what others set', () => {
    const original = { spec: { taskDefinition: 'web', desiredCount: 2, healthCheckGracePeriodSeconds: 30 } };
    const modified = { spec: { taskDefinition: 'web:2', desiredCount: 2 } };
    const current = { spec: { taskDefinition: 'web', desiredCount: 2, healthCheckGracePeriodSeconds: 30, launchType: 'EC2' } };
    expect(applyMergePatch(current, threeWayMergePatch(original, modified, current))).toEqual({
      spec: { taskDefinition: 'web:2', desiredCount: 2, launchType: 'EC2' },
    });
  });
});
