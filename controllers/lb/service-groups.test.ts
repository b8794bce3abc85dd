import { describe, expect, it } from 'vitest';
import { svc, task } from '../service/testing.js';
import { TASK_LABELS } from '../conventions.js';
import { entriesRegistering, groupsOfTask, serviceGroupNames } from './service-groups.js';

const service = svc({
  loadBalancers: [
    {
      targetGroupName: 'a',
      containerName: 'web',
      containerPort: 8080,
      advancedConfiguration: { alternateTargetGroupName: 'b', productionListenerRule: 'lb/80/default' },
    },
    { targetGroupName: 'c', containerName: 'web', containerPort: 8080 },
  ],
});
const onSide = (side: string | undefined) => {
  const t = task('t1');
  return side === undefined ? t : { ...t, metadata: { ...t.metadata, labels: { ...t.metadata.labels, [TASK_LABELS.targetGroupSide]: side } } };
};

describe('the target groups of a service task', () => {
  it('a service may register in both groups of an entry with advancedConfiguration', () => {
    expect(serviceGroupNames(service)).toEqual(['a', 'b', 'c']);
  });
  it.each([
    ['no label: the production groups', undefined, ['a', 'c']],
    ['ALTERNATE: the alternate where there is one', 'ALTERNATE', ['b', 'c']],
  ])('%s', (_, side, groups) => {
    expect(groupsOfTask(service, onSide(side))).toEqual(groups);
    expect(entriesRegistering(service, 'a', onSide(side)).length).toBe(side === undefined ? 1 : 0);
  });
});
