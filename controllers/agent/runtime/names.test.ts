import { describe, expect, it } from 'vitest';
import { isLegacyOf, isOwnedBy, DOCKER_LABELS } from './names.js';

const scope = { installation: 'inst-a', cluster: 'c', instance: 'i-1' };
const task = { name: 'web-1', uid: 'uid-1' };
const legacy = { [DOCKER_LABELS.cluster]: 'c', [DOCKER_LABELS.instance]: 'i-1', [DOCKER_LABELS.task]: 'web-1', [DOCKER_LABELS.taskUid]: 'uid-1' };

describe('objects of a berth older than the installation uid', () => {
  it.each([
    ["no installation label, the task's uid: adopted", legacy, task, true],
    ["another task uid (another installation's task of the same name)", { ...legacy, [DOCKER_LABELS.taskUid]: 'uid-other' }, task, false],
    ['no task uid on the object', { ...legacy, [DOCKER_LABELS.taskUid]: undefined }, task, false],
    ['the task has no uid', legacy, { name: 'web-1' }, false],
    ['another instance', { ...legacy, [DOCKER_LABELS.instance]: 'i-2' }, task, false],
    ['another cluster', { ...legacy, [DOCKER_LABELS.cluster]: 'd' }, task, false],
    ['another task name with the uid', { ...legacy, [DOCKER_LABELS.task]: 'web-2' }, task, false],
    ['labelled by an installation (not legacy, whichever)', { ...legacy, [DOCKER_LABELS.installation]: 'inst-b' }, task, false],
  ] as const)('%s', (_name, labels, t, want) => {
    const defined = Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => e[1] !== undefined));
    expect(isLegacyOf(defined, scope, t)).toBe(want);
  });

  it.each([
    ['its own installation', { ...legacy, [DOCKER_LABELS.installation]: 'inst-a' }, true],
    ['another installation', { ...legacy, [DOCKER_LABELS.installation]: 'inst-b' }, false],
    ['legacy, of the task', legacy, true],
  ] as const)('isOwnedBy: %s', (_name, labels, want) => {
    expect(isOwnedBy(labels, scope, task)).toBe(want);
  });
});
