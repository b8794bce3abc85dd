import { describe, expect, it } from 'vitest';
import { TargetGroup } from '../../api/v1/target-group.js';
import type { ObjectOf } from '../kit/types.js';
import { stillInAnotherGroup } from './controller.js';

const group = (name: string, tasks: string[], cluster = 'prod'): ObjectOf<'TargetGroup'> =>
  TargetGroup.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'TargetGroup',
    metadata: { name, cluster },
    spec: { protocol: 'HTTP' },
    status: {
      targets: tasks.map((task) => ({ task, containerName: 'web', containerPort: 8080, id: '127.0.0.1', port: 40001, service: 'web', health: 'draining' })),
      healthReports: [],
    },
  });

describe('stillInAnotherGroup', () => {
  const self = group('a', []);
  it.each([
    { name: 'no other group', groups: [self], want: false },
    { name: 'another group drains it', groups: [self, group('b', ['t1'])], want: true },
    { name: 'another group lists other tasks only', groups: [self, group('b', ['t2'])], want: false },
    { name: 'a group of another cluster with the same task name', groups: [self, group('b', ['t1'], 'dev')], want: false },
    { name: 'only this group lists it', groups: [group('a', ['t1'])], want: false },
  ])('$name', ({ groups, want }) => {
    expect(stillInAnotherGroup(groups, self, 't1')).toBe(want);
  });
});
