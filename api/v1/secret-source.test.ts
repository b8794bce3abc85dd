import { describe, expect, it } from 'vitest';
import { TaskDefinition } from './task-definition.js';
import { rawContainer, rawTaskDefinition } from './testing.js';

const issues = (container: Record<string, unknown>) => {
  const r = TaskDefinition.safeParse(rawTaskDefinition({ containerDefinitions: [rawContainer('ok'), rawContainer('app', container)] }));
  return r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message]);
};

describe('secret references are checked when a task definition is written', () => {
  it.each([
    ['a berth Secret name', { secrets: [{ name: 'A', valueFrom: 'db-password' }] }],
    ['an SSM parameter path', { secrets: [{ name: 'A', valueFrom: '/prod/db/password' }] }],
    ['an SSM ARN', { secrets: [{ name: 'A', valueFrom: 'arn:aws:ssm:us-east-1:118721456974:parameter/DB_URL' }] }],
    [
      'a Secrets Manager ARN with a json-key',
      { secrets: [{ name: 'A', valueFrom: 'arn:aws:secretsmanager:eu-central-1:1:secret:prod/db-MzD5WF:password::' }] },
    ],
    ['a log secret option', { logConfiguration: { logDriver: 'awslogs', secretOptions: [{ name: 'k', valueFrom: 'arn:aws:ssm:r:1:parameter/k' }] } }],
    ['registry credentials', { repositoryCredentials: { credentialsParameter: 'arn:aws:secretsmanager:r:1:secret:reg-AbCdEf' } }],
    ['an environment file', { environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::bucket/app.env' }] }],
  ])('accepts %s (whether the Secret exists is the task’s concern)', (_what, container) => {
    expect(issues(container)).toEqual([]);
  });

  it.each([
    [
      'an S3 ARN in secrets',
      {
        secrets: [
          { name: 'A', valueFrom: 'x' },
          { name: 'B', valueFrom: 'arn:aws:s3:::b/k' },
        ],
      },
      'spec.containerDefinitions.1.secrets.1.valueFrom',
      'is a s3 ARN',
    ],
    [
      'an SSM ARN without parameter/',
      { secrets: [{ name: 'A', valueFrom: 'arn:aws:ssm:r:1:document/x' }] },
      'spec.containerDefinitions.1.secrets.0.valueFrom',
      'names a parameter',
    ],
    [
      'a Secrets Manager version-id',
      { secrets: [{ name: 'A', valueFrom: 'arn:aws:secretsmanager:r:1:secret:db:k::v1' }] },
      'spec.containerDefinitions.1.secrets.0.valueFrom',
      'leave version-id empty',
    ],
    ['a malformed ARN', { secrets: [{ name: 'A', valueFrom: 'arn:aws:oops' }] }, 'spec.containerDefinitions.1.secrets.0.valueFrom', 'is not an ARN'],
    [
      'a name berth cannot hold',
      { secrets: [{ name: 'A', valueFrom: 'has space' }] },
      'spec.containerDefinitions.1.secrets.0.valueFrom',
      'maps to no berth Secret name',
    ],
    [
      'a bad log secret option',
      { logConfiguration: { logDriver: 'awslogs', secretOptions: [{ name: 'k', valueFrom: 'arn:aws:iam::1:role/x' }] } },
      'spec.containerDefinitions.1.logConfiguration.secretOptions.0.valueFrom',
      'is a iam ARN',
    ],
    [
      'bad registry credentials',
      { repositoryCredentials: { credentialsParameter: 'arn:aws:kms:r:1:key/x' } },
      'spec.containerDefinitions.1.repositoryCredentials.credentialsParameter',
      'is a kms ARN',
    ],
    [
      'an environment file not in S3',
      { environmentFiles: [{ type: 's3', value: 's3://bucket/app.env' }] },
      'spec.containerDefinitions.1.environmentFiles.0.value',
      'S3 object ARN',
    ],
  ])('refuses %s, naming the field and what to do', (_what, container, path, part) => {
    const found = issues(container);
    expect(found).toHaveLength(1);
    expect(found[0]?.[0]).toBe(path);
    expect(found[0]?.[1]).toContain(part);
    expect(found[0]?.[1]).toMatch(/berth create secret/);
  });
});
