/**
 * Signature V4 on the ECS endpoint, driven by the official @aws-sdk/client-ecs: keys berth issues
 * sign requests the server checks by computing the signature again; a wrong secret, an unknown or
 * revoked key and a stale date get AWS's errors; a key's role is berth's authorization.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { startApi, type RunningApi } from './api-harness.js';
import { openTestSqlite, type TestStore } from './support/stores.js';
import { ecsError } from './support/ecs-api.js';

let backend: TestStore;
let api: RunningApi;

beforeAll(async () => {
  backend = await openTestSqlite();
  api = await startApi(backend);
});
afterAll(async () => {
  await api?.stop();
  await backend?.dispose();
});

const ecs = (accessKeyId: string, secretAccessKey: string, extra: { systemClockOffset?: number } = {}) =>
  new ECSClient({ endpoint: api.url, region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, ...extra });

describe('SigV4 on the ECS endpoint', () => {
  it('takes a request signed with a key berth issued, in any region the client signs for', async () => {
    const key = await api.client().accessKeys.create({ name: 'ci', grants: { '*': 'edit' } });
    expect(key.accessKeyId).toMatch(/^BKIA[A-Z2-7]{16}$/);
    expect(key.secretAccessKey).toHaveLength(40);
    const out = await ecs(key.accessKeyId, key.secretAccessKey).send(new ListClustersCommand({}));
    expect(out.clusterArns).toContainEqual(expect.stringMatching(/^arn:aws:ecs:us-east-1:\d{12}:cluster\/default$/));
  });

  it('refuses a wrong secret, an unknown key and a revoked key as AWS does', async () => {
    const key = await api.client().accessKeys.create({ name: 'ci', grants: { '*': 'edit' } });
    const wrong = await ecsError(ecs(key.accessKeyId, `${key.secretAccessKey.slice(0, -1)}x`).send(new ListClustersCommand({})));
    expect(wrong).toMatchObject({ name: 'InvalidSignatureException', status: 400, message: expect.stringContaining('does not match') });
    const unknown = await ecsError(ecs('BKIAAAAAAAAAAAAAAAAA', key.secretAccessKey).send(new ListClustersCommand({})));
    expect(unknown).toMatchObject({ name: 'UnrecognizedClientException', status: 400 });
    await api.client().accessKeys.revoke(key.accessKeyId);
    expect((await ecsError(ecs(key.accessKeyId, key.secretAccessKey).send(new ListClustersCommand({})))).name).toBe('UnrecognizedClientException');
  });

  it('refuses a request dated more than 15 minutes away', async () => {
    const key = await api.client().accessKeys.create({ name: 'ci', grants: { '*': 'edit' } });
    for (const offset of [-16 * 60_000, 16 * 60_000]) {
      const stale = await ecsError(ecs(key.accessKeyId, key.secretAccessKey, { systemClockOffset: offset }).send(new ListClustersCommand({})));
      expect(stale).toMatchObject({
        name: 'InvalidSignatureException',
        message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now (earlier|later) than/),
      });
    }
    // 14 minutes off is within AWS's window.
    expect((await ecs(key.accessKeyId, key.secretAccessKey, { systemClockOffset: -14 * 60_000 }).send(new ListClustersCommand({}))).clusterArns).toBeDefined();
  });

  it("holds a key to its role: a view key reads but may not create, as berth's own tokens", async () => {
    const key = await api.client().accessKeys.create({ name: 'viewer', grants: { '*': 'view' } });
    const client = ecs(key.accessKeyId, key.secretAccessKey);
    expect((await client.send(new ListClustersCommand({}))).clusterArns?.length).toBeGreaterThan(0);
    expect(await ecsError(client.send(new CreateClusterCommand({ clusterName: 'ecsapi-denied' })))).toMatchObject({
      name: 'AccessDeniedException',
      status: 400,
    });
  });

  it('never shows a secret again: the list has ids and roles only', async () => {
    const key = await api.client().accessKeys.create({ name: 'listed', grants: { default: 'admin' } });
    const listed = await api.client().accessKeys.list();
    expect(listed).toContainEqual(expect.objectContaining({ accessKeyId: key.accessKeyId, name: 'listed', role: 'user', grants: { default: 'admin' } }));
    expect(JSON.stringify(listed)).not.toContain(key.secretAccessKey);
  });
});
