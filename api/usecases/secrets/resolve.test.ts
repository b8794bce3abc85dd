import { describe, expect, it } from 'vitest';
import { TaskDefinition } from '../../v1/task-definition.js';
import { rawContainer, rawTaskDefinition } from '../../v1/testing.js';
import { environmentOf, pick, resolveTaskSecrets, unresolvedReason, usesSecrets } from './resolve.js';
import type { SecretValues } from './seal.js';

const values = (record: Record<string, string>): SecretValues => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, Buffer.from(v)]));

describe('pick: the value a reference takes from a Secret', () => {
  it.each([
    ['one key: its value', { password: 'pw' }, undefined, 'pw'],
    [
      'several keys: their JSON, as Secrets Manager stores a key/value secret',
      { password: 'pw', username: 'u' },
      undefined,
      '{"password":"pw","username":"u"}',
    ],
    ['a json-key naming a key', { password: 'pw', username: 'u' }, 'username', 'u'],
    ['a json-key into a one-key Secret holding JSON', { db: '{"host":"h","port":5432}' }, 'port', '5432'],
    ['a json-key naming a string member', { db: '{"host":"h"}' }, 'host', 'h'],
  ])('%s', (_what, secret, jsonKey, value) => {
    expect(pick(values(secret), jsonKey === undefined ? {} : { jsonKey })).toEqual({ ok: true, value });
  });

  it.each([
    ['an empty Secret', {}, undefined, /holds no values/],
    ['a json-key it lacks', { a: '1', b: '2' }, 'c', /no key "c" \(its keys: a, b\)/],
    ['a json-key into text that is not JSON', { a: 'text' }, 'c', /no key "c"/],
  ])('refuses %s', (_what, secret, jsonKey, message) => {
    const picked = pick(values(secret), jsonKey === undefined ? {} : { jsonKey });
    expect(picked.ok).toBe(false);
    if (!picked.ok) expect(picked.message).toMatch(message);
  });
});

it('environmentOf: keys are variables; a *.env key is a file of NAME=value lines', () => {
  expect(environmentOf(values({ 'app.env': '# comment\nA=1\n\nB=x=y\nnot-a-line\n', C: '3' }))).toEqual({ A: '1', B: 'x=y', C: '3' });
});

const def = (containers: Record<string, unknown>[]) => TaskDefinition.parse(rawTaskDefinition({ containerDefinitions: containers })).spec;

describe('resolveTaskSecrets', () => {
  const store: Record<string, SecretValues> = {
    db: values({ password: 'pw', username: 'admin' }),
    token: values({ token: 't0k' }),
    'prod.app.env': values({ 'app.env': 'FROM_FILE=1\nSHARED=file' }),
  };
  const lookup = async (name: string) => store[name];

  it('resolves every kind of reference, each from its own field', async () => {
    const spec = def([
      rawContainer('app', {
        secrets: [
          { name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf:password::' },
          { name: 'TOKEN', valueFrom: 'token' },
          { name: 'TOKEN2', valueFrom: 'arn:aws:ssm:us-east-1:1:parameter/token' },
        ],
        logConfiguration: { logDriver: 'json-file', secretOptions: [{ name: 'x-token', valueFrom: 'token' }] },
        repositoryCredentials: { credentialsParameter: 'arn:aws:secretsmanager:us-east-1:1:secret:db' },
        environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::bucket/prod/app.env' }],
      }),
      rawContainer('plain'),
    ]);
    expect(usesSecrets(spec)).toBe(true);
    expect(await resolveTaskSecrets(spec, lookup)).toEqual({
      ok: true,
      containers: {
        app: {
          environment: { DB_PASSWORD: 'pw', TOKEN: 't0k', TOKEN2: 't0k' },
          logOptions: { 'x-token': 't0k' },
          environmentFiles: { FROM_FILE: '1', SHARED: 'file' },
          registryAuth: { username: 'admin', password: 'pw' },
        },
        plain: { environment: {}, logOptions: {}, environmentFiles: {} },
      },
    });
  });

  it('names every reference it cannot resolve, with its field, and no value', async () => {
    const spec = def([
      rawContainer('app', {
        secrets: [
          { name: 'A', valueFrom: 'missing' },
          { name: 'B', valueFrom: 'arn:aws:secretsmanager:us-east-1:1:secret:db:nokey::' },
          { name: 'C', valueFrom: 'placeholder' },
        ],
        repositoryCredentials: { credentialsParameter: 'token' },
      }),
    ]);
    // Registration refuses an S3 ARN in secrets (api/v1/secret-source.ts); one stored before it did still gets named.
    const stored = spec.containerDefinitions[0]?.secrets?.[2];
    if (stored) stored.valueFrom = 'arn:aws:s3:::b/k';
    const result = await resolveTaskSecrets(spec, lookup);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.unresolved.map((u) => [u.field, u.problem])).toEqual([
      ['containerDefinitions[0].secrets[0].valueFrom', 'missing'],
      ['containerDefinitions[0].secrets[1].valueFrom', 'missing'],
      ['containerDefinitions[0].secrets[2].valueFrom', 'invalid'],
      ['containerDefinitions[0].repositoryCredentials.credentialsParameter', 'missing'],
    ]);
    const reason = unresolvedReason(result.unresolved);
    expect(reason).toMatch(
      /^ResourceInitializationError: cannot resolve secrets: containerDefinitions\[0\]\.secrets\[0\]\.valueFrom \(missing\): secret missing not found/,
    );
    expect(reason).toMatch(/and 1 more$/);
    for (const v of ['pw', 't0k', 'admin']) expect(JSON.stringify(result)).not.toContain(v);
  });

  it('a definition without secrets needs no lookup', async () => {
    const spec = def([rawContainer('app')]);
    expect(usesSecrets(spec)).toBe(false);
  });
});
