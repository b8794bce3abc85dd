/**
 * A secret reference no berth Secret can answer is refused when the task definition is registered,
 * through the API on the real store, naming the container's field and what to do; nothing is
 * written. A well-formed reference to a Secret that does not exist yet registers: the task waits
 * for it (test/e2e-secrets.test.ts), as ECS registers without looking its references up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawContainer } from '../api/v1/testing.js';
import { startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => env?.stop());

const register = (family: string, secrets: { name: string; valueFrom: string }[]) =>
  env.client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name: family },
    spec: { containerDefinitions: [rawContainer('web'), rawContainer('app', { secrets })] },
  });

describe('secret references at registration', () => {
  it('refuses an ARN that is no Secrets Manager or SSM reference, naming the field; nothing is written', async () => {
    const family = `refs-bad-${Date.now()}`;
    const error = await register(family, [
      { name: 'DB_URL', valueFrom: 'arn:aws:ssm:us-east-1:118721456974:parameter/DB_URL' },
      { name: 'KEY', valueFrom: 'arn:aws:s3:::bucket/key' },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const text = String(error instanceof Error ? error.message : error);
    expect(text).toMatch(/containerDefinitions[.[]1[.\]]+secrets[.[]1[.\]]+valueFrom/);
    expect(text).toContain('is a s3 ARN');
    expect(text).toContain('berth create secret');
    expect(await env.client.get('TaskDefinition', { name: `${family}:1` })).toBeUndefined();
  });

  it('registers a well-formed reference to a Secret that does not exist yet', async () => {
    const family = `refs-ok-${Date.now()}`;
    const td = await register(family, [{ name: 'DB', valueFrom: 'arn:aws:secretsmanager:eu-central-1:1:secret:prod/db-MzD5WF:password::' }]);
    expect(td.metadata.name).toBe(`${family}:1`);
  });
});
