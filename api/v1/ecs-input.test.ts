import { describe, expect, it } from 'vitest';
import { cleanTaskDefinitionSpec } from './ecs-input.js';

describe('cleanTaskDefinitionSpec', () => {
  it.each([
    ['null fields', { family: 'f', ipcMode: null, pidMode: null }, { family: 'f' }],
    ['empty lists and maps', { family: 'f', volumes: [], placementConstraints: [], tags: [], c: { dockerLabels: {} } }, { family: 'f' }],
    ['empty strings as values', { family: 'f', taskRoleArn: '' }, { family: 'f' }],
    ['objects left empty', { family: 'f', runtimePlatform: { cpuArchitecture: null } }, { family: 'f' }],
    ['null list items', { family: 'f', requiresCompatibilities: [null, 'FARGATE'] }, { family: 'f', requiresCompatibilities: ['FARGATE'] }],
    [
      'list items left empty',
      { family: 'f', portMappings: [{ hostPort: null }, { containerPort: 80 }] },
      { family: 'f', portMappings: [{ containerPort: 80 }] },
    ],
    ['zero and false', { family: 'f', cpu: 0, essential: false }, { family: 'f', cpu: 0, essential: false }],
    ['empty strings in lists', { command: ['sh', '-c', ''] }, { command: ['sh', '-c', ''] }],
    [
      'environment values',
      { environment: [{ name: 'A', value: '' }, { name: 'B', value: null }, { name: 'C' }] },
      {
        environment: [
          { name: 'A', value: '' },
          { name: 'B', value: '' },
          { name: 'C', value: '' },
        ],
      },
    ],
    ['read-only fields', { family: 'f', revision: 3, status: 'ACTIVE', compatibilities: ['EC2'], registeredAt: 'x', deleteRequestedAt: 'y' }, { family: 'f' }],
  ])('drops %s', (_what, raw, want) => {
    const once = cleanTaskDefinitionSpec(raw).spec;
    expect(once).toEqual(want);
    expect(cleanTaskDefinitionSpec(once).spec).toEqual(want);
  });

  it('says which read-only fields it dropped', () => {
    expect(cleanTaskDefinitionSpec({ taskDefinitionArn: 'a', family: 'f', revision: 1 }).droppedReadOnly).toEqual(['taskDefinitionArn', 'revision']);
  });

  it('leaves what is not an object alone, for the schema to reject', () => {
    expect(cleanTaskDefinitionSpec('nonsense').spec).toBe('nonsense');
    expect(cleanTaskDefinitionSpec(null).spec).toBeNull();
  });
});
