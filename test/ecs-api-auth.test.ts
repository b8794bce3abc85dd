/**
 * Signature V4 on the ECS endpoint, driven by the official @aws-sdk/client-ecs: keys berth issues
 * sign requests the server checks by computing the signature again; a wrong secret, an unknown or
 * revoked key and a stale date get AWS's errors; a key's role is berth's authorization.
 */
import { describe, expect, it } from 'vitest';
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { request } from 'node:http';
import { startApi } from './api-harness.js';
import { sysKeys } from '../api/keys.js';
import { eventually } from '../controllers/kit/test-env.js';
import { ecsError, useEcsApi } from './support/ecs-api.js';

const env = useEcsApi();

const ecs = (accessKeyId: string, secretAccessKey: string, extra: { systemClockOffset?: number } = {}) =>
  new ECSClient({ endpoint: env.api.url, region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, ...extra });

describe('SigV4 on the ECS endpoint', () => {
  it('takes a request signed with a key berth issued, in any region the client signs for', async () => {
    const key = await env.api.client().accessKeys.create({ name: 'ci', grants: { '*': 'edit' } });
    expect(key.accessKeyId).toMatch(/^BKIA[A-Z2-7]{16}$/);
    expect(key.secretAccessKey).toHaveLength(40);
    const out = await ecs(key.accessKeyId, key.secretAccessKey).send(new ListClustersCommand({}));
    expect(out.clusterArns).toContainEqual(expect.stringMatching(/^arn:aws:ecs:us-east-1:\d{12}:cluster\/default$/));
  });

  it('refuses a wrong secret, an unknown key and a revoked key as AWS does', async () => {
    const key = await env.api.client().accessKeys.create({ name: 'ci', grants: { '*': 'edit' } });
    const wrong = await ecsError(ecs(key.accessKeyId, `${key.secretAccessKey.slice(0, -1)}x`).send(new ListClustersCommand({})));
    expect(wrong).toMatchObject({ name: 'InvalidSignatureException', status: 400, message: expect.stringContaining('does not match') });
    const unknown = await ecsError(ecs('BKIAAAAAAAAAAAAAAAAA', key.secretAccessKey).send(new ListClustersCommand({})));
    expect(unknown).toMatchObject({ name: 'UnrecognizedClientException', status: 400 });
    await env.api.client().accessKeys.revoke(key.accessKeyId);
    expect((await ecsError(ecs(key.accessKeyId, key.secretAccessKey).send(new ListClustersCommand({})))).name).toBe('UnrecognizedClientException');
  });

  it('refuses a key revoked on another server sharing the store as soon as the watch brings the deletion, though this server had it cached', async () => {
    const key = await env.api.client().accessKeys.create({ name: 'ci', grants: { '*': 'edit' } });
    const client = ecs(key.accessKeyId, key.secretAccessKey);
    // Twice: the second request is answered from this server's cache.
    await client.send(new ListClustersCommand({}));
    await client.send(new ListClustersCommand({}));
    // Removed from the store, not through this server: what a revocation on another server does.
    const deletedAt = Date.now();
    await env.store.delete(sysKeys.accessKey(key.accessKeyId));
    const refusedAt = await eventually(
      async () =>
        (await ecsError(client.send(new ListClustersCommand({})).then(() => Promise.reject(new Error('taken'))))).name === 'UnrecognizedClientException'
          ? Date.now()
          : undefined,
      5_000,
    );
    // A cache trusted for a fixed time would take it for that long; the watch brings the deletion in milliseconds.
    expect(refusedAt - deletedAt).toBeLessThan(1_000);
  });

  it('refuses a key revoked through a second API server on the same store', async () => {
    // The same secrets key, as servers of one installation share it.
    const other = await startApi(env.backend, { secretKeys: env.api.resources.secretKeys });
    try {
      const key = await other.client().accessKeys.create({ name: 'ci', grants: { '*': 'edit' } });
      const client = ecs(key.accessKeyId, key.secretAccessKey);
      await client.send(new ListClustersCommand({}));
      await client.send(new ListClustersCommand({}));
      const revokedAt = Date.now();
      await other.client().accessKeys.revoke(key.accessKeyId);
      const refusedAt = await eventually(
        async () =>
          (await ecsError(client.send(new ListClustersCommand({})).then(() => Promise.reject(new Error('taken'))))).name === 'UnrecognizedClientException'
            ? Date.now()
            : undefined,
        5_000,
      );
      expect(refusedAt - revokedAt).toBeLessThan(1_000);
    } finally {
      await other.stop();
    }
  });

  it('refuses an unknown key from the headers, without waiting for (or reading) the body', async () => {
    const url = new URL(env.api.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
            'x-amz-date': '20260101T000000Z',
            'content-length': '1000000',
            authorization: `AWS4-HMAC-SHA256 Credential=BKIAAAAAAAAAAAAAAAAA/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
          },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      // A tenth of the announced body, and the request is never finished: an endpoint that read the body first would never answer.
      req.write('x'.repeat(100_000));
      setTimeout(() => reject(new Error('no answer before the body was complete')), 5_000).unref();
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ __type: 'UnrecognizedClientException' });
  });

  it('refuses a request dated more than 15 minutes away', async () => {
    const key = await env.api.client().accessKeys.create({ name: 'ci', grants: { '*': 'edit' } });
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
    const key = await env.api.client().accessKeys.create({ name: 'viewer', grants: { '*': 'view' } });
    const client = ecs(key.accessKeyId, key.secretAccessKey);
    expect((await client.send(new ListClustersCommand({}))).clusterArns?.length).toBeGreaterThan(0);
    expect(await ecsError(client.send(new CreateClusterCommand({ clusterName: 'ecsapi-denied' })))).toMatchObject({
      name: 'AccessDeniedException',
      status: 400,
    });
  });

  it('never shows a secret again: the list has ids and roles only', async () => {
    const key = await env.api.client().accessKeys.create({ name: 'listed', grants: { default: 'admin' } });
    const listed = await env.api.client().accessKeys.list();
    expect(listed).toContainEqual(expect.objectContaining({ accessKeyId: key.accessKeyId, name: 'listed', role: 'user', grants: { default: 'admin' } }));
    expect(JSON.stringify(listed)).not.toContain(key.secretAccessKey);
  });
});
