import { describe, expect, it } from 'vitest';
import { compileClusterQuery, evaluateClusterQuery, type InstanceFacts } from './evaluate.js';
import { parseClusterQuery } from './parser.js';
import { compareValues, parseQueryDate } from './values.js';

const facts = (over: Partial<InstanceFacts> = {}): InstanceFacts => ({
  instanceId: 'node-1',
  attributes: {
    'ecs.availability-zone': 'us-east-1a',
    'ecs.instance-type': 't2.micro',
    'ecs.os-type': 'linux',
    stack: 'prod',
    gpus: '4',
  },
  registeredAt: '2018-06-18T22:28:28Z',
  runningTasksCount: 2,
  taskGroups: new Set(['service:web', 'family:batch']),
  agentConnected: true,
  agentVersion: '1.20.3',
  ...over,
});

const evaluate = (expression: string, f: InstanceFacts = facts()) => evaluateClusterQuery(parseClusterQuery(expression), f);

describe('evaluateClusterQuery: comparisons', () => {
  it.each<[string, boolean]>([
    // equality, with wildcards
    ['attribute:ecs.instance-type == t2.micro', true],
    ['attribute:ecs.instance-type == t2.small', false],
    ['attribute:ecs.instance-type == t2.*', true],
    ['attribute:ecs.instance-type == *.micro', true],
    ['attribute:ecs.instance-type == m5.*', false],
    ['attribute:ecs.instance-type equals t2.micro', true],
    ['attribute:ecs.availability-zone != us-east-1d', true],
    ['attribute:ecs.availability-zone != us-east-1a', false],
    ['attribute:ecs.availability-zone not_equals us-east-1*', false],
    // a dot in a wildcard pattern is literal
    ['attribute:ecs.instance-type == t2?micro', false],
    ['attribute:ecs.instance-type == t2xmicro', false],
    // ordering: numeric, version-aware
    ['attribute:gpus > 3', true],
    ['attribute:gpus > 10', false],
    ['attribute:gpus >= 4', true],
    ['attribute:gpus < 4', false],
    ['attribute:gpus <= 4', true],
    ['attribute:gpus greater_than 3', true],
    ['attribute:gpus less_than_equal 3', false],
    ['agentVersion >= 1.9.0', true],
    ['agentVersion < 1.20.10', true],
    ['agentVersion == 1.20.3', true],
    // exists
    ['attribute:stack exists', true],
    ['attribute:nothing exists', false],
    ['attribute:nothing !exists', true],
    ['attribute:stack not_exists', false],
    // in lists, with wildcards
    ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', true],
    ['attribute:ecs.availability-zone in [us-east-1c, us-east-1b]', false],
    ['attribute:ecs.availability-zone in [us-west-*]', false],
    ['attribute:ecs.availability-zone in [us-east-*]', true],
    ['attribute:ecs.availability-zone not_in [us-east-1a]', false],
    ['attribute:ecs.availability-zone !in [us-east-1c, us-east-1d]', true],
    // regular expressions match the whole value
    ['attribute:ecs.instance-type =~ t2.*', true],
    ['attribute:ecs.instance-type =~ t2', false],
    ['attribute:ecs.instance-type =~ (t2|m5)\\.(micro|small)', true],
    ['attribute:ecs.instance-type matches g2.*', false],
    ['attribute:ecs.instance-type !~ g2.*', true],
    ['attribute:ecs.instance-type not_matches t2.*', false],
    // a missing attribute: positives false, negations true
    ['attribute:missing == x', false],
    ['attribute:missing != x', true],
    ['attribute:missing in [x]', false],
    ['attribute:missing not_in [x]', true],
    ['attribute:missing =~ .*', false],
    ['attribute:missing !~ .*', true],
    ['attribute:missing > 0', false],
    // instance ids
    ['instanceId == node-1', true],
    ['instanceId in [node-2, node-3]', false],
    ['instanceId =~ node-\\d+', true],
    ['ec2InstanceId == node-1', true],
    // task groups: any task's group
    ['task:group == service:web', true],
    ['task:group == service:db', false],
    ['task:group != service:db', true],
    ['task:group != service:web', false],
    ['task:group in [service:db, family:batch]', true],
    ['task:group =~ service:.*', true],
    ['task:group == service:*', true],
    ['task:group exists', true],
    ['not(task:group == service:web)', false],
    // runningTasksCount
    ['runningTasksCount == 2', true],
    ['runningTasksCount == 02', true],
    ['runningTasksCount > 1', true],
    ['runningTasksCount < 2', false],
    ['runningTasksCount != 0', true],
    // registeredAt: full timestamps and by day
    ['registeredAt < 2018-06-19', true],
    ['registeredAt > 2018-06-18', false],
    ['registeredAt == 2018-06-18', true],
    ['registeredAt >= 2018-06-18T22:28:28+00:00', true],
    ['registeredAt > 2018-06-18T22:28:28', false],
    ['registeredAt < 2018-06-18T23:00:00+01:00', false],
    // agentConnected
    ['agentConnected == true', true],
    ['agentConnected != true', false],
    ['agentConnected in [false]', false],
  ])('%s → %s', (expression, expected) => {
    expect(evaluate(expression)).toBe(expected);
  });

  it('treats an instance without registeredAt or agentVersion as not matching orderings', () => {
    const bare = facts({ registeredAt: undefined, agentVersion: undefined });
    expect(evaluate('registeredAt < 2100-01-01', bare)).toBe(false);
    expect(evaluate('agentVersion > 0', bare)).toBe(false);
  });

  it('uses the reported ec2InstanceId when there is one', () => {
    expect(evaluate('ec2InstanceId == i-abc', facts({ ec2InstanceId: 'i-abc' }))).toBe(true);
    expect(evaluate('ec2InstanceId == node-1', facts({ ec2InstanceId: 'i-abc' }))).toBe(false);
  });
});

describe('evaluateClusterQuery: boolean combinations', () => {
  const T = 'attribute:stack == prod';
  const F = 'attribute:stack == dev';
  it.each<[string, boolean]>([
    [`${T} and ${T}`, true],
    [`${T} and ${F}`, false],
    [`${F} && ${T}`, false],
    [`${T} or ${F}`, true],
    [`${F} || ${F}`, false],
    [`not ${T}`, false],
    [`!${F}`, true],
    [`not (${F} or ${T})`, false],
    [`${F} or ${T} and ${F}`, false], // and binds tighter: F or (T and F)
    [`(${F} or ${T}) and ${T}`, true],
    [`not ${F} and ${T}`, true],
    [`!(${T} and ${F}) && (${F} || ${T})`, true],
    ['attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone != us-east-1d', true],
  ])('%s → %s', (expression, expected) => {
    expect(evaluate(expression)).toBe(expected);
  });
});

describe('compileClusterQuery', () => {
  it.each<[string, boolean]>([
    ['attribute:a == 1', false],
    ['instanceId == x or registeredAt < 2020-01-01', false],
    ['task:group == web', true],
    ['not (attribute:a == 1 and runningTasksCount < 3)', true],
  ])('%s depends on placed tasks: %s', (expression, expected) => {
    expect(compileClusterQuery(parseClusterQuery(expression)).dependsOnTasks).toBe(expected);
  });

  it('sees task groups change through the same facts object', () => {
    const groups = new Set<string>();
    const f = facts({ taskGroups: groups });
    const test = compileClusterQuery(parseClusterQuery('task:group != service:db')).test;
    expect(test(f)).toBe(true);
    groups.add('service:db');
    expect(test(f)).toBe(false);
  });
});

describe('values', () => {
  it.each<[string, string, number]>([
    ['10', '9', 1],
    ['1.5', '1.25', 1],
    ['1.10.0', '1.9.2', 1],
    ['1.2', '1.2.0', -1],
    ['abc', 'abd', -1],
    ['2', '2', 0],
  ])('compareValues(%s, %s) = %i', (a, b, expected) => {
    expect(compareValues(a, b)).toBe(expected);
  });

  it.each<[string, number | undefined]>([
    ['2018-06-18', Date.UTC(2018, 5, 18)],
    ['2018-06-18T22:28:28Z', Date.UTC(2018, 5, 18, 22, 28, 28)],
    ['2018-06-18T22:28:28', Date.UTC(2018, 5, 18, 22, 28, 28)],
    ['2018-06-18T22:28:28+02:00', Date.UTC(2018, 5, 18, 20, 28, 28)],
    ['18/06/2018', undefined],
    ['2018-13-45', undefined],
  ])('parseQueryDate(%s)', (text, expected) => {
    expect(parseQueryDate(text)).toBe(expected);
  });
});

describe('evaluateClusterQuery: user patterns run in linear time', () => {
  // A backtracking engine takes 2^n steps for the first on n characters and n^3 for the wildcard:
  // seconds each, with the event loop (and so the API served from the same process) blocked.
  it.each<[string, string]>([
    ['attribute:x =~ (a+)+b', `${'a'.repeat(25)}c`],
    ['attribute:x == *a*a*b', 'a'.repeat(500)],
  ])('%s against a long value is false at once', (expression, value) => {
    const started = performance.now();
    expect(evaluate(expression, facts({ attributes: { x: value } }))).toBe(false);
    expect(performance.now() - started).toBeLessThan(250);
  });
});
