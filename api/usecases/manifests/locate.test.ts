import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import type { FieldPath } from './errors.js';
import { positionOf } from './locate.js';

const yaml = `spec:
  containerDefinitions:
    - name: app
      image:
      healthCheck:
        interval: 1
    - name: side
      links: [app]
  base: &base {a: 1}
  copy: *base
`;
const json = `{
  "spec": {
    "containerDefinitions": [
      {"name": "app", "healthCheck": {"interval": 1}}
    ]
  }
}`;

/** 1-based line and column of the first occurrence of `needle` after `after`. */
function at(text: string, needle: string, after = ''): { line: number; column: number } {
  const offset = text.indexOf(needle, text.indexOf(after));
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

describe('positionOf', () => {
  it.each<[string, string, FieldPath, string, string]>([
    ['a scalar value', yaml, ['spec', 'containerDefinitions', 0, 'healthCheck', 'interval'], '1', 'interval'],
    ['a block map, by its key', yaml, ['spec', 'containerDefinitions', 0, 'healthCheck'], 'healthCheck', ''],
    ['an empty value, by its key', yaml, ['spec', 'containerDefinitions', 0, 'image'], 'image', ''],
    ['a missing field, at its sequence item', yaml, ['spec', 'containerDefinitions', 1, 'image'], 'name: side', ''],
    ['a missing item, at its sequence key', yaml, ['spec', 'containerDefinitions', 5, 'image'], 'containerDefinitions', ''],
    ['a flow sequence item', yaml, ['spec', 'containerDefinitions', 1, 'links', 0], 'app]', ''],
    ['through an alias, at the anchored value', yaml, ['spec', 'copy', 'a'], '1}', 'base'],
    ['the root for an empty path', yaml, [], 'spec', ''],
    ['a JSON value', json, ['spec', 'containerDefinitions', 0, 'healthCheck', 'interval'], '1', 'interval'],
    ['a missing JSON field, at its object', json, ['spec', 'containerDefinitions', 0, 'image'], '{"name"', ''],
  ])('finds %s', (_name, text, path, needle, after) => {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter });
    expect(positionOf(doc, lineCounter, path)).toEqual(at(text, needle, after));
  });
});
