import { describe, expect, it } from 'vitest';
import { berthSecretName, parseEnvironmentFile, parseValueFrom } from './value-from.js';

describe('parseValueFrom', () => {
  it.each([
    ['a plain name (SSM parameter)', 'db-password', { names: ['db-password'] }],
    ['a hierarchical SSM name', '/prod/db/password', { names: ['prod.db.password'] }],
    ['an SSM parameter ARN', 'arn:aws:ssm:us-east-1:123456789012:parameter/db-password', { names: ['db-password'] }],
    ['an SSM ARN of a hierarchical name', 'arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db/password', { names: ['prod.db.password'] }],
    ['a Secrets Manager ARN with its suffix', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf', { names: ['db-AbCdEf', 'db'] }],
    ['a Secrets Manager ARN without a suffix', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db', { names: ['db'] }],
    [
      'a Secrets Manager ARN with a json-key',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::',
      { names: ['db-AbCdEf', 'db'], jsonKey: 'password' },
    ],
    ['the current version stage', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db:password:AWSCURRENT:', { names: ['db'], jsonKey: 'password' }],
    ['another partition', 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:app/db-AbCdEf', { names: ['app.db-AbCdEf', 'app.db'] }],
  ])('%s', (_what, valueFrom, ref) => {
    expect(parseValueFrom(valueFrom)).toEqual({ ok: true, ref });
  });

  it.each([
    ['another version stage', 'arn:aws:secretsmanager:us-east-1:1:secret:db::AWSPREVIOUS:', /only the current version/],
    ['a version id', 'arn:aws:secretsmanager:us-east-1:1:secret:db:::0123-abcd', /leave version-id empty/],
    ['too many parts', 'arn:aws:secretsmanager:us-east-1:1:secret:db:a:b:c:d', /expected arn:aws:secretsmanager/],
    ['an SSM ARN without a parameter', 'arn:aws:ssm:us-east-1:1:document/x', /names a parameter/],
    ['an S3 ARN', 'arn:aws:s3:::bucket/key', /s3 ARN; a secret comes from/],
    ['not an ARN at all', 'arn:nope', /is not an ARN/],
    ['a name berth cannot hold', 'db+password@x', /maps to no berth Secret name/],
  ])('refuses %s', (_what, valueFrom, message) => {
    const parsed = parseValueFrom(valueFrom);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});

describe('environment files', () => {
  it.each([
    ['arn:aws:s3:::my-bucket/app.env', 'app.env'],
    ['arn:aws:s3:::my-bucket/prod/app.env', 'prod.app.env'],
  ])('%s is Secret %s', (value, name) => {
    expect(parseEnvironmentFile(value)).toEqual({ ok: true, ref: { names: [name] } });
  });

  it('refuses what is not an S3 object ARN', () => {
    expect(parseEnvironmentFile('s3://bucket/key').ok).toBe(false);
  });
});

it.each([
  ['db', 'db'],
  ['/a/b', 'a.b'],
  ['a/b', 'a.b'],
  ['-leading', undefined],
])('berthSecretName(%s) = %s', (aws, berth) => {
  expect(berthSecretName(aws)).toBe(berth);
});
