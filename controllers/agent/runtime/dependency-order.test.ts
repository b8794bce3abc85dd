import { describe, expect, it } from 'vitest';
import type { ContainerDefinition } from '../../../api/v1/container-definition.js';
import { dependencyState, readiness, startPlan, type DependencyCondition, type ObservedDependency } from './dependency-order.js';
import { ContainerSpecError } from './errors.js';

type Def = Pick<ContainerDefinition, 'name' | 'dependsOn' | 'links' | 'volumesFrom'>;
const c = (name: string, deps: Record<string, DependencyCondition> = {}, extra: Partial<Def> = {}): Def => ({
  name,
  dependsOn: Object.entries(deps).map(([containerName, condition]) => ({ containerName, condition })),
  ...extra,
});

describe('startPlan', () => {
  it.each<[string, Def[], string[][]]>([
    ['one container', [c('app')], [['app']]],
    ['independent containers start together, in definition order', [c('b'), c('a')], [['b', 'a']]],
    ['a chain', [c('web', { app: 'HEALTHY' }), c('app', { db: 'START' }), c('db')], [['db'], ['app'], ['web']]],
    ['a diamond', [c('top', { l: 'START', r: 'START' }), c('l', { base: 'START' }), c('r', { base: 'START' }), c('base')], [['base'], ['l', 'r'], ['top']]],
    ['an init container that must succeed first', [c('app', { migrate: 'SUCCESS' }), c('migrate')], [['migrate'], ['app']]],
    ['links order like START', [c('web', {}, { links: ['db:database'] }), c('db')], [['db'], ['web']]],
    ['volumesFrom orders like START', [c('app', {}, { volumesFrom: [{ sourceContainer: 'data', readOnly: false }] }), c('data')], [['data'], ['app']]],
  ])('%s', (_name, defs, waves) => {
    const plan = startPlan(defs);
    expect(plan.waves).toEqual(waves);
    expect(plan.stopWaves).toEqual([...waves].reverse());
  });

  it.each<[string, Def[], string, { containerName: string; condition: DependencyCondition }[]]>([
    [
      'explicit conditions',
      [c('web', { app: 'HEALTHY', init: 'COMPLETE' }), c('app'), c('init')],
      'web',
      [
        { containerName: 'app', condition: 'HEALTHY' },
        { containerName: 'init', condition: 'COMPLETE' },
      ],
    ],
    ['a link is a START dependency', [c('web', {}, { links: ['db'] }), c('db')], 'web', [{ containerName: 'db', condition: 'START' }]],
    [
      'dependsOn wins over a link to the same container',
      [c('web', { db: 'HEALTHY' }, { links: ['db'] }), c('db')],
      'web',
      [{ containerName: 'db', condition: 'HEALTHY' }],
    ],
    ['nothing to wait for', [c('web'), c('db')], 'db', []],
  ])('waitsFor: %s', (_name, defs, container, expected) => {
    expect(startPlan(defs).waitsFor[container]).toEqual(expected);
  });

  it.each<[string, Def[]]>([
    ['a cycle', [c('a', { b: 'START' }), c('b', { a: 'START' })]],
    ['a self dependency', [c('a', { a: 'START' })]],
    ['an unknown container', [c('a', { ghost: 'START' })]],
  ])('refuses %s', (_name, defs) => {
    expect(() => startPlan(defs)).toThrow(ContainerSpecError);
  });
});

const seen = (o: Partial<ObservedDependency>): ObservedDependency => ({ started: false, exited: false, health: 'none', ...o });

describe('dependencyState', () => {
  it.each<[DependencyCondition, Partial<ObservedDependency>, string]>([
    ['START', {}, 'waiting'],
    ['START', { started: true }, 'satisfied'],
    ['START', { started: true, exited: true, exitCode: 1 }, 'satisfied'],
    ['COMPLETE', { started: true }, 'waiting'],
    ['COMPLETE', { started: true, exited: true, exitCode: 3 }, 'satisfied'],
    ['SUCCESS', { started: true }, 'waiting'],
    ['SUCCESS', { started: true, exited: true, exitCode: 0 }, 'satisfied'],
    ['SUCCESS', { started: true, exited: true, exitCode: 1 }, 'unsatisfiable'],
    ['HEALTHY', { started: true, health: 'starting' }, 'waiting'],
    ['HEALTHY', { started: true, health: 'unhealthy' }, 'waiting'],
    ['HEALTHY', { started: true, health: 'healthy' }, 'satisfied'],
    ['HEALTHY', { started: true, exited: true, exitCode: 0, health: 'unhealthy' }, 'unsatisfiable'],
  ])('%s with %o → %s', (condition, observed, expected) => {
    expect(dependencyState(condition, seen(observed))).toBe(expected);
  });
});

describe('readiness', () => {
  const waits = [
    { containerName: 'db', condition: 'HEALTHY' as const },
    { containerName: 'init', condition: 'SUCCESS' as const },
  ];
  it.each<[string, Record<string, Partial<ObservedDependency>>, { state: string; blockedBy?: string }]>([
    ['nothing observed yet', {}, { state: 'waiting', blockedBy: 'db' }],
    ['one still waiting', { db: { started: true, health: 'healthy' } }, { state: 'waiting', blockedBy: 'init' }],
    ['all satisfied', { db: { started: true, health: 'healthy' }, init: { started: true, exited: true, exitCode: 0 } }, { state: 'satisfied' }],
    [
      'a failed init wins over a waiting db',
      { db: { started: true, health: 'starting' }, init: { started: true, exited: true, exitCode: 2 } },
      { state: 'unsatisfiable', blockedBy: 'init' },
    ],
  ])('%s', (_name, observed, expected) => {
    const r = readiness(waits, (name) => (observed[name] ? seen(observed[name]) : undefined));
    expect({ state: r.state, ...(r.blockedBy ? { blockedBy: r.blockedBy.containerName } : {}) }).toEqual(expected);
  });
});
