/**
 * Per-kind rules outside the task definition, the registry's envelope checks, and the property the
 * store relies on: a parsed object parses again to itself.
 */
import { describe, expect, it } from 'vitest';
import type { KindName } from '../keys.js';
import { isKindName, kindSchemas, validateObject } from './index.js';
import { MINIMAL_SPECS, rawObject } from './testing.js';

const issuesOf = (raw: unknown) => {
  const r = validateObject(raw);
  return r.ok ? [] : r.issues;
};
const expectIssue = (raw: unknown, path: (string | number)[], message: RegExp) => {
  const issues = issuesOf(raw);
  const found = issues.filter((i) => i.path.join('.') === path.join('.'));
  expect(found, JSON.stringify(issues)).toHaveLength(1);
  expect(found[0]?.message).toMatch(message);
};
const service = (spec: Record<string, unknown>) => rawObject('Service', { taskDefinition: 'web', ...spec });
const task = (spec: Record<string, unknown>, status?: Record<string, unknown>) => rawObject('Task', { taskDefinition: 'web:1', ...spec }, 't', status);

describe('Service', () => {
  it.each([
    ['family', { taskDefinition: 'web' }],
    ['pinned revision', { taskDefinition: 'web:7' }],
    ['rolling with min 0 and max 100', { deploymentConfiguration: { minimumHealthyPercent: 0, maximumPercent: 100 } }],
    ['rolling with min 50 and max 100', { deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 } }],
    ['DAEMON', { schedulingStrategy: 'DAEMON', placementConstraints: [{ type: 'memberOf', expression: 'attribute:role == edge' }] }],
  ])('accepts %s', (_name, spec) => {
    expect(issuesOf(service(spec))).toEqual([]);
  });

  it.each([
    [
      '100/100 cannot progress',
      { deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 100 } },
      ['spec', 'deploymentConfiguration', 'maximumPercent'],
      /maximumPercent \(100\) must be greater than minimumHealthyPercent \(100\)/,
    ],
    [
      'default min 100 with max 100',
      { deploymentConfiguration: { maximumPercent: 100 } },
      ['spec', 'deploymentConfiguration', 'maximumPercent'],
      /never make progress/,
    ],
    ['malformed task definition', { taskDefinition: 'web:latest' }, ['spec', 'taskDefinition'], /family \("web"\) or family:revision/],
    ['unknown scheduling strategy', { schedulingStrategy: 'BATCH' }, ['spec', 'schedulingStrategy'], /REPLICA.*DAEMON/],
    [
      'unknown circuit breaker field',
      { deploymentConfiguration: { deploymentCircuitBreaker: { enabled: true } } },
      ['spec', 'deploymentConfiguration', 'deploymentCircuitBreaker', 'enabled'],
      /unknown field "enabled"/,
    ],
  ] as const)('rejects %s', (_name, spec, path, message) => expectIssue(service(spec), [...path], message));

  it.each(['web:3', 'web.prod', 'x'.repeat(256), 'web/x'])('rejects the service name %j, as ECS does', (name) => {
    expectIssue(rawObject('Service', { taskDefinition: 'web' }, name), ['metadata', 'name'], /letters, digits, hyphens or underscores/);
  });

  it.each(['web', 'Web_2', 'api-gateway', '_internal', 'x'.repeat(255)])('accepts the service name %j', (name) => {
    expect(issuesOf(rawObject('Service', { taskDefinition: 'web' }, name))).toEqual([]);
  });

  it('status deployments run pinned revisions', () => {
    const raw = rawObject('Service', { taskDefinition: 'web' }, 'web', { deployments: [{ id: 'd', status: 'PRIMARY', taskDefinition: 'web' }] });
    expectIssue(raw, ['status', 'deployments', 0, 'taskDefinition'], /must be family:revision/);
  });
});

describe('Task', () => {
  it.each([
    ['a scheduled task with overrides', { containerInstance: 'i-1', overrides: { cpu: '0.5 vCPU', containerOverrides: [{ name: 'app', command: ['sh'] }] } }],
    ['a stop request', { desiredStatus: 'STOPPED', stopReason: 'scaled in' }],
    ['run-task placement', { placementStrategy: [{ type: 'binpack', field: 'memory' }], placementConstraints: [{ type: 'distinctInstance' }] }],
  ])('accepts %s', (_name, spec) => {
    expect(issuesOf(task(spec))).toEqual([]);
  });

  it.each([
    ['an unpinned task definition', { taskDefinition: 'web' }, ['spec', 'taskDefinition'], /must be family:revision/],
    [
      'a container overridden twice',
      { overrides: { containerOverrides: [{ name: 'a' }, { name: 'a' }] } },
      ['spec', 'overrides', 'containerOverrides', 1, 'name'],
      /overridden twice/,
    ],
    ['an unknown desired status', { desiredStatus: 'PAUSED' }, ['spec', 'desiredStatus'], /RUNNING.*STOPPED/],
  ] as const)('rejects %s', (_name, spec, path, message) => expectIssue(task(spec), [...path], message));

  it.each([
    ['lastStatus', { lastStatus: 'BOOTING' }, ['status', 'lastStatus'], /PROVISIONING/],
    ['stopCode', { stopCode: 'Crashed' }, ['status', 'stopCode'], /EssentialContainerExited/],
    ['timestamp', { startedAt: 'yesterday' }, ['status', 'startedAt'], /datetime/],
    ['exit code type', { containers: [{ name: 'a', exitCode: '1' }] }, ['status', 'containers', 0, 'exitCode'], /expected number/],
  ] as const)('rejects a bad status %s', (_name, status, path, message) => expectIssue(task({}, status), [...path], message));
});

describe('ContainerInstance and Cluster', () => {
  it('accepts a registered instance with attributes, resources and agent', () => {
    const raw = rawObject('ContainerInstance', {
      attributes: { 'ecs.availability-zone': 'us-east-1a', 'ecs.instance-type': 'm5.large', 'ecs.os-type': 'linux', stack: 'prod' },
      registeredResources: { cpu: 2048, memory: 7680, ports: [22, 2375, 2376, 51678, 51679] },
      agent: { address: 'http://10.0.0.5:51678', version: '0.1.0' },
    });
    expect(issuesOf(raw)).toEqual([]);
  });

  it.each([
    ['a drained status with a typo', { ...MINIMAL_SPECS.ContainerInstance, status: 'DRAINED' }, ['spec', 'status'], /ACTIVE.*DRAINING/],
    ['no registered resources', {}, ['spec', 'registeredResources'], /expected object/],
    ['a bad attribute name', { ...MINIMAL_SPECS.ContainerInstance, attributes: { 'has space': 'x' } }, ['spec', 'attributes', 'has space'], /attribute names/],
  ] as const)('rejects an instance with %s', (_name, spec, path, message) => expectIssue(rawObject('ContainerInstance', spec), [...path], message));

  it('rejects a negative cluster count', () => {
    expectIssue(rawObject('Cluster', {}, 'c', { runningTasksCount: -1 }), ['status', 'runningTasksCount'], /Too small/);
  });
});

describe('registry', () => {
  it.each([
    [null, [], /expected object/],
    [{ kind: 'Task' }, ['apiVersion'], /expected string/],
    [{ apiVersion: 'berth.dev/v2', kind: 'Task' }, ['apiVersion'], /expected "berth.dev\/v1", got "berth.dev\/v2"/],
    [{ apiVersion: 'berth.dev/v1', kind: 'Pod' }, ['kind'], /unknown kind "Pod"; expected one of Cluster, ContainerInstance, TaskDefinition, Task, Service/],
    [{ apiVersion: 'berth.dev/v1', kind: 'Task', metadata: { name: 'x' }, spec: { taskDefinition: 'a:1' }, extra: 1 }, ['extra'], /unknown field "extra"/],
  ] as const)('rejects %j at %j', (raw, path, message) => expectIssue(raw, [...path], message));

  it.each(['Cluster', 'Task', 'Service'])('isKindName(%j)', (k) => expect(isKindName(k)).toBe(true));
  it.each(['task', 'Pod', 'toString', '__proto__'])('not isKindName(%j)', (k) => expect(isKindName(k)).toBe(false));

  it.each(Object.keys(kindSchemas) as KindName[])('a parsed %s parses again to itself (store decoding is idempotent)', (kind) => {
    const once = kindSchemas[kind].parse(rawObject(kind, MINIMAL_SPECS[kind], kind === 'TaskDefinition' ? 'web:1' : 'x', {}));
    expect(kindSchemas[kind].parse(JSON.parse(JSON.stringify(once)))).toEqual(once);
    // Byte for byte, key order included: the store skips a write whose JSON is what it holds.
    expect(JSON.stringify(kindSchemas[kind].parse(JSON.parse(JSON.stringify(once))))).toBe(JSON.stringify(once));
  });
});
