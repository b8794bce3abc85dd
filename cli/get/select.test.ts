import { describe, expect, it } from 'vitest';
import type { BerthObject } from '../../api/v1/index.js';
import { parseFieldSelector } from './field-selector.js';
import { sortBy } from './sort-by.js';

const task = (name: string, fields: { instance?: string; group?: string; lastStatus?: string; td?: string; startedAt?: string }): BerthObject =>
  ({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name, cluster: 'default' },
    spec: {
      taskDefinition: fields.td ?? 'web:1',
      desiredStatus: 'RUNNING',
      launchType: 'EC2',
      ...(fields.instance ? { containerInstance: fields.instance } : {}),
      ...(fields.group ? { group: fields.group } : {}),
    },
    status: {
      lastStatus: fields.lastStatus ?? 'RUNNING',
      containers: [],
      healthStatus: 'UNKNOWN',
      ...(fields.startedAt ? { startedAt: fields.startedAt } : {}),
    },
  }) as BerthObject;

const tasks = [
  task('a', { instance: 'h1', group: 'service:web', startedAt: '2026-12-06T10:00:02Z' }),
  task('b', { instance: 'h2', group: 'service:api', lastStatus: 'STOPPED', td: 'api:3' }),
  task('c', { instance: 'h1', group: 'family:batch', lastStatus: 'PENDING', startedAt: '2026-12-06T10:00:01Z' }),
];
const names = (list: BerthObject[]) => list.map((o) => o.metadata.name);

describe('--field-selector', () => {
  it.each([
    ['instance=h1', ['a', 'c']],
    ['instance==h1,service=web', ['a']],
    ['service!=web', ['b', 'c']],
    ['lastStatus=STOPPED', ['b']],
    ['status.lastStatus!=STOPPED', ['a', 'c']],
    ['taskDefinition=api:3', ['b']],
    ['metadata.name=c', ['c']],
    ['spec.group=family:batch', ['c']],
    ['spec.containerInstance=', []],
  ])('%s', (selector, expected) => {
    expect(names(tasks.filter(parseFieldSelector('Task', selector).matches))).toEqual(expected);
  });

  it.each([
    ['instance', 'write FIELD=VALUE or FIELD!=VALUE'],
    ['color=red', '"color" is not a field of Task; use instance, service, lastStatus, taskDefinition, or a path'],
    ['instance=h1,', 'write FIELD=VALUE'],
  ])('rejects %s', (selector, message) => {
    expect(() => parseFieldSelector('Task', selector)).toThrow(message);
  });

  it('says when it names lastStatus, so the default live-task filter steps aside', () => {
    expect(parseFieldSelector('Task', 'lastStatus=STOPPED').names('lastStatus')).toBe(true);
    expect(parseFieldSelector('Task', 'status.lastStatus=STOPPED').names('lastStatus')).toBe(true);
    expect(parseFieldSelector('Task', 'instance=h1').names('lastStatus')).toBe(false);
  });
});

describe('--sort-by', () => {
  it.each([
    ['.metadata.name', ['a', 'b', 'c']],
    ['{.status.lastStatus}', ['c', 'a', 'b']],
    ['.status.startedAt', ['c', 'a', 'b']],
    ['.spec.containerInstance', ['a', 'c', 'b']],
  ])('%s', (expression, expected) => {
    expect(
      names(
        sortBy(
          [tasks[1], tasks[0], tasks[2]].filter((t): t is BerthObject => t !== undefined),
          expression,
        ),
      ),
    ).toEqual(expected);
  });

  it('rejects more than one field', () => {
    expect(() => sortBy(tasks, '{.a}{.b}')).toThrow('give one field');
  });
});
