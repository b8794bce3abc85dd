import { describe, expect, it } from 'vitest';
import { PlacementConstraint, PlacementStrategy, toIssues } from './index.js';

const issuesOf = (schema: typeof PlacementStrategy | typeof PlacementConstraint, input: unknown) => {
  const r = schema.safeParse(input);
  return r.success ? [] : toIssues(r.error);
};

describe('placement strategy', () => {
  it.each([
    { type: 'binpack', field: 'cpu' },
    { type: 'binpack', field: 'memory' },
    { type: 'spread', field: 'instanceId' },
    { type: 'spread', field: 'host' },
    { type: 'spread', field: 'attribute:ecs.availability-zone' },
    { type: 'random' },
  ])('accepts %j', (s) => {
    expect(issuesOf(PlacementStrategy, s)).toEqual([]);
  });

  it.each([
    [{ type: 'binpack' }, ['field'], /binpack placement needs a field/],
    [{ type: 'binpack', field: 'disk' }, ['field'], /binpack field must be "cpu" or "memory", got "disk"/],
    [{ type: 'spread' }, ['field'], /spread placement needs a field/],
    [{ type: 'spread', field: 'zone' }, ['field'], /spread field must be "instanceId", "host" or "attribute:<name>", got "zone"/],
    [{ type: 'spread', field: 'attribute:' }, ['field'], /spread field must be/],
    [{ type: 'random', field: 'cpu' }, ['field'], /random placement takes no field/],
    [{ type: 'roundrobin' }, ['type'], /binpack.*spread.*random/],
    [{ type: 'random', feild: 'x' }, ['feild'], /unknown field "feild"/],
  ] as const)('rejects %j at %j', (s, path, message) => {
    const issues = issuesOf(PlacementStrategy, s);
    expect(issues.map((i) => i.path)).toContainEqual(path);
    expect(issues.find((i) => i.path.join() === path.join())?.message).toMatch(message);
  });
});

describe('placement constraint', () => {
  it.each([{ type: 'distinctInstance' }, { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.*' }])('accepts %j', (c) => {
    expect(issuesOf(PlacementConstraint, c)).toEqual([]);
  });

  it.each([
    [{ type: 'memberOf' }, /memberOf needs an expression/],
    [{ type: 'distinctInstance', expression: 'attribute:a == b' }, /distinctInstance takes no expression/],
    [{ type: 'memberOf', expression: 'x'.repeat(2001) }, /Too big/],
    // parsed by the scheduler's own parser, so what validates is what places
    [
      { type: 'memberOf', expression: 'attribute:zone === a' },
      /memberOf expression "attribute:zone === a": expected "and", "or" or the end of the expression at column 20, found "a"/,
    ],
    [{ type: 'memberOf', expression: 'attribute:zone == a or' }, /expected a comparison, "not" or "\(" at column 23/],
    [{ type: 'memberOf', expression: 'attribute:x =~ (a)\\1' }, /invalid regular expression/],
  ] as const)('rejects %j', (c, message) => {
    const issues = issuesOf(PlacementConstraint, c);
    expect(issues.map((i) => i.path)).toEqual([['expression']]);
    expect(issues[0]?.message).toMatch(message);
  });
});
