import { describe, expect, it } from 'vitest';
import { accountIdFor, ecsArn, parseArn, parseTaskDefinitionArn } from './arn.js';
import { PinnedTaskDefinitionRefString, TaskDefinitionRefString } from './task-definition-ref.js';

describe('ECS ARNs', () => {
  it.each([
    ['arn:aws:ecs:us-east-1:123456789012:task-definition/web:3', { family: 'web', revision: 3 }],
    ['arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/my_app-2:17', { family: 'my_app-2', revision: 17 }],
    ['arn:aws:ecs:us-east-1:123456789012:task-definition/web', undefined],
    ['arn:aws:ecs:us-east-1:123456789012:task-definition/web:0', undefined],
    ['arn:aws:ecs:us-east-1:123456789012:service/default/web', undefined],
    ['arn:aws:iam::123456789012:role/ecsTaskExecutionRole', undefined],
    ['web:3', undefined],
  ])('parseTaskDefinitionArn(%j) = %j', (text, want) => {
    expect(parseTaskDefinitionArn(text)).toEqual(want);
  });

  it('parses any ARN into its parts', () => {
    expect(parseArn('arn:aws:secretsmanager:eu-central-1:147882094138:secret:prod/witp/db_uri-MzD5WF')).toEqual({
      partition: 'aws',
      service: 'secretsmanager',
      region: 'eu-central-1',
      accountId: '147882094138',
      resourceType: 'secret',
      resourceId: 'prod/witp/db_uri-MzD5WF',
    });
    expect(parseArn('not-an-arn')).toBeUndefined();
  });

  it('formats every kind in ECS long form, and a formatted task definition parses back', () => {
    const ctx = { region: 'us-east-1', accountId: '123456789012' };
    expect(ecsArn.cluster(ctx, 'prod')).toBe('arn:aws:ecs:us-east-1:123456789012:cluster/prod');
    expect(ecsArn.service(ctx, 'prod', 'web')).toBe('arn:aws:ecs:us-east-1:123456789012:service/prod/web');
    expect(ecsArn.task(ctx, 'prod', 'abc')).toBe('arn:aws:ecs:us-east-1:123456789012:task/prod/abc');
    expect(ecsArn.containerInstance(ctx, 'prod', 'i1')).toBe('arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i1');
    expect(ecsArn.container(ctx, 'prod', 'abc', 'c1')).toBe('arn:aws:ecs:us-east-1:123456789012:container/prod/abc/c1');
    expect(parseTaskDefinitionArn(ecsArn.taskDefinition(ctx, 'web', 7))).toEqual({ family: 'web', revision: 7 });
  });

  it('derives a stable 12-digit account id per installation', () => {
    const a = accountIdFor('7c0e4a1e-0000-4000-8000-000000000001');
    expect(a).toMatch(/^[0-9]{12}$/);
    expect(accountIdFor('7c0e4a1e-0000-4000-8000-000000000001')).toBe(a);
    expect(accountIdFor('7c0e4a1e-0000-4000-8000-000000000002')).not.toBe(a);
  });

  it.each([
    ['web', 'web'],
    ['web:3', 'web:3'],
    ['arn:aws:ecs:us-east-1:123456789012:task-definition/web:3', 'web:3'],
  ])('a reference %j is stored as %j, and parsing that again changes nothing', (input, stored) => {
    const once = TaskDefinitionRefString.parse(input);
    expect(once).toBe(stored);
    expect(TaskDefinitionRefString.parse(once)).toBe(stored);
  });

  it('a pinned reference takes a revision ARN but not a family', () => {
    expect(PinnedTaskDefinitionRefString.parse('arn:aws:ecs:us-east-1:123456789012:task-definition/web:3')).toBe('web:3');
    expect(PinnedTaskDefinitionRefString.safeParse('web').success).toBe(false);
    expect(TaskDefinitionRefString.safeParse('arn:aws:ecs:us-east-1:123456789012:task-definition/web').success).toBe(false);
  });
});
