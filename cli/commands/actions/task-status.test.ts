import { describe, expect, it } from 'vitest';
import { validateObject, type BerthObject } from '../../../api/v1/index.js';
import { rawObject } from '../../../api/v1/testing.js';
import { taskStatusFilter } from './task-status.js';

const task = (name: string, lastStatus: string): BerthObject => {
  const r = validateObject(rawObject('Task', { taskDefinition: 'web:1' }, name, { lastStatus }));
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.object;
};
const tasks = ['PENDING', 'RUNNING', 'STOPPING', 'STOPPED'].map((s) => task(s.toLowerCase(), s));

describe('taskStatusFilter', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, ['pending', 'running', 'stopping']],
    ['RUNNING', ['pending', 'running', 'stopping']],
    ['running', ['pending', 'running', 'stopping']],
    ['STOPPED', ['stopped']],
    ['all', ['pending', 'running', 'stopping', 'stopped']],
  ])('--status %s lists %j', (status, names) => {
    expect(tasks.filter(taskStatusFilter('Task', status)).map((t) => t.metadata.name)).toEqual(names);
  });

  it.each<[string, string | undefined, RegExp]>([
    ['Task', 'PENDING', /--status must be RUNNING, STOPPED or all, not "PENDING"/],
    ['Service', 'RUNNING', /--status applies to tasks only, not Service/],
  ])('refuses %s with --status %s', (kind, status, message) => {
    expect(() => taskStatusFilter(kind as 'Task' | 'Service', status)).toThrow(message);
  });
});
