import { describe, expect, it } from 'vitest';
import { parseCustomColumns, renderCustomColumns } from './custom-columns.js';
import { parseTemplate, renderTemplate } from './jsonpath.js';

const list = {
  kind: 'List',
  items: [
    { metadata: { name: 'web', labels: { app: 'a' } }, spec: { desiredCount: 2 }, status: { lastStatus: 'RUNNING' } },
    { metadata: { name: 'api' }, spec: { desiredCount: 0 } },
  ],
};

describe('jsonpath templates', () => {
  it.each([
    ['{.items[*].metadata.name}', 'web api'],
    ['{.items[0].spec.desiredCount}', '2'],
    ['{.kind}', 'List'],
    ['.kind', 'List'],
    ['{$.kind}', 'List'],
    ['names: {.items[*].metadata.name}!', 'names: web api!'],
    ['{.items[0].metadata.name}{"\\n"}{.items[1].metadata.name}', 'web\napi'],
    ['{.items[?(@.spec.desiredCount > 1)].metadata.name}', 'web'],
    ['{.items[0].metadata.labels}', '{"app":"a"}'],
    ['{.items[1].status.lastStatus}', ''],
  ])('%s → %j', (template, text) => expect(renderTemplate(parseTemplate(template), list)).toBe(text));

  it.each([
    ['{.items', /unclosed "\{"/],
    ['{range .items[*]}{.metadata.name}{end}', /\{range .items\[\*\]\} is not supported/],
    ['{items}', /must start with "\." or "\$"/],
  ])('rejects %s', (template, message) => expect(() => parseTemplate(template)).toThrow(message));
});

describe('custom-columns', () => {
  it('prints one column per spec, <none> when a path matches nothing', () =>
    expect(renderCustomColumns(parseCustomColumns('NAME:.metadata.name,DESIRED:{.spec.desiredCount},STATUS:.status.lastStatus'), list.items)).toBe(
      'NAME   DESIRED   STATUS\nweb    2         RUNNING\napi    0         <none>\n',
    ));
  it.each(['NAME', 'NAME:', ':.a', 'A:.a,B'])('rejects %s', (spec) => expect(() => parseCustomColumns(spec)).toThrow(/HEADER:PATH/));
});
