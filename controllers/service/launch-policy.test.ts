import { describe, expect, it } from 'vitest';
import { TaskDefinitionSpec } from '../../api/v1/task-definition.js';
import { launchRefusal } from './launch-policy.js';

const spec = (extra: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  TaskDefinitionSpec.parse({ containerDefinitions: [{ name: 'app', image: 'busybox', memory: 16, ...extra }], ...top });

describe('launchRefusal', () => {
  it.each([
    ['a plain definition under the default policy', spec({}), undefined, undefined],
    [
      'privileged under the default (restricted) policy',
      spec({ privileged: true }),
      undefined,
      /spec\.containerDefinitions\[0\]\.privileged: .*restricted task policy of cluster prod refuses "privileged"/,
    ],
    ['privileged where the policy allows it', spec({ privileged: true }), { level: 'restricted' as const, allow: ['privileged' as const] }, undefined],
    [
      'host network where only privileged is allowed',
      spec({}, { networkMode: 'host' }),
      { level: 'restricted' as const, allow: ['privileged' as const] },
      /spec\.networkMode: .*refuses "hostNetwork"/,
    ],
    ['anything under the privileged level', spec({ privileged: true }, { networkMode: 'host' }), { level: 'privileged' as const }, undefined],
  ])('%s', (_what, definition, policy, want) => {
    const refusal = launchRefusal('web', { name: 'web:3', spec: definition }, policy, 'prod');
    if (want === undefined) expect(refusal).toBeUndefined();
    else
      expect(refusal).toMatch(
        new RegExp(
          `^service web was unable to launch tasks: task definition web:3 is refused by the task policy of cluster prod: .*${want.source}.*Running tasks are left running$`,
        ),
      );
  });
});
