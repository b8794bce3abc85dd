/**
 * Secrets end to end on the real Docker engine: a task's secrets (by name, Secrets Manager ARN
 * with a json-key, SSM ARN), its environment file and its log driver's secretOptions reach the
 * container as `docker inspect` shows them, its registry credentials resolve; a task whose secret
 * is missing stays PENDING with the reason (and its service says so), then starts once the secret
 * is created. The control plane runs on the embedded store, with its key file in the data dir.
 */
import Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, serviceTasks, startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

const docker = new Docker();

const sleeper = (extra: Record<string, unknown>) => ({
  name: 'app',
  image: TEST_IMAGE,
  memory: 16,
  command: ['sleep', '3600'],
  linuxParameters: { initProcessEnabled: true },
  stopTimeout: 2,
  ...extra,
});

describe('secrets on real Docker', () => {
  let cluster: TestCluster;
  beforeEach(async () => {
    cluster = await startTestCluster();
    await cluster.startAgent(`${cluster.name}-a`);
  });
  afterEach(() => cluster.dispose());

  const meta = (name: string) => ({ name, cluster: cluster.name });
  const secret = (name: string, stringData: Record<string, string>) => ({
    apiVersion: 'berth.dev/v1',
    kind: 'Secret' as const,
    metadata: meta(name),
    spec: { stringData },
  });
  const definition = (family: string, container: Record<string, unknown>) => ({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition' as const,
    metadata: meta(family),
    spec: { containerDefinitions: [sleeper(container)] },
  });
  const inspectApp = async (task: { status?: { containers?: { name: string; dockerId?: string }[] } }) => {
    const id = task.status?.containers?.find((c) => c.name === 'app')?.dockerId;
    if (!id) throw new Error('the task reports no container app');
    return docker.getContainer(id).inspect();
  };

  it('puts every kind of secret where ECS puts it', async () => {
    const { client } = cluster;
    await client.create(secret('db', { username: 'admin', password: 'pw-from-sm' }));
    await client.create(secret('prod.api.token', { token: 'tok-from-ssm' }));
    await client.create(secret('plain', { value: 'plain-value' }));
    await client.create(secret('logtag', { tag: 'tag-from-secret' }));
    await client.create(secret('prod.app.env', { 'app.env': '# comment\nFROM_FILE=file-value\nSHADOWED=from-file\n' }));
    await client.create(
      definition('with-secrets', {
        environment: [{ name: 'SHADOWED', value: 'from-environment' }],
        secrets: [
          { name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::' },
          { name: 'API_TOKEN', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/prod/api/token' },
          { name: 'PLAIN', valueFrom: 'plain' },
        ],
        environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::my-bucket/prod/app.env' }],
        logConfiguration: { logDriver: 'json-file', options: { 'max-size': '1m' }, secretOptions: [{ name: 'tag', valueFrom: 'logtag' }] },
        repositoryCredentials: { credentialsParameter: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db' },
      }),
    );
    await client.create({ apiVersion: 'berth.dev/v1', kind: 'Task', metadata: meta('t-secrets'), spec: { taskDefinition: 'with-secrets:1' } });
    const task = await eventually(
      async () => {
        const t = await client.get('Task', { cluster: cluster.name, name: 't-secrets' });
        return t?.status?.lastStatus === 'RUNNING' && t;
      },
      30_000,
      'the task RUNNING',
    );
    const inspected = await inspectApp(task);
    expect(inspected.Config.Env).toEqual(
      expect.arrayContaining(['DB_PASSWORD=pw-from-sm', 'API_TOKEN=tok-from-ssm', 'PLAIN=plain-value', 'FROM_FILE=file-value', 'SHADOWED=from-environment']),
    );
    expect(inspected.HostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '1m', tag: 'tag-from-secret' } });
    // Nothing of the values in what the API shows of the task, its definition or the secrets.
    const shown = JSON.stringify([
      task,
      await client.get('TaskDefinition', { cluster: cluster.name, name: 'with-secrets:1' }),
      await client.list('Secret', { cluster: cluster.name }),
    ]);
    for (const value of ['pw-from-sm', 'tok-from-ssm', 'plain-value', 'file-value', 'tag-from-secret']) expect(shown).not.toContain(value);
  });

  it('keeps a task PENDING with the reason while its secret is missing, and starts it once the secret exists', async () => {
    const { client } = cluster;
    await client.create(definition('needs-later', { secrets: [{ name: 'LATER', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/later' }] }));
    await client.create({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: meta('later'), spec: { taskDefinition: 'needs-later', desiredCount: 1 } });
    const waiting = await eventually(
      async () => {
        const [t] = await serviceTasks(cluster, 'later');
        return t?.status?.pendingReason ? t : undefined;
      },
      30_000,
      'the task waiting with a pendingReason',
    );
    expect(waiting.status?.lastStatus).toBe('PENDING');
    expect(waiting.status?.pendingReason).toBe(
      'waiting for secrets: containerDefinitions[0].secrets[0].valueFrom (arn:aws:ssm:us-east-1:123456789012:parameter/later): secret later not found',
    );
    await eventually(
      async () => {
        const svc = await client.get('Service', { cluster: cluster.name, name: 'later' });
        return svc?.status?.events?.some((e) => e.message.includes('has a task that cannot start yet: waiting for secrets')) ?? false;
      },
      10_000,
      'the service event',
    );

    await client.create(secret('later', { value: 'arrived' }));
    const running = await eventually(
      async () => {
        const [t] = await serviceTasks(cluster, 'later');
        return t?.status?.lastStatus === 'RUNNING' && t;
      },
      30_000,
      'the task RUNNING once the secret exists',
    );
    expect(running.metadata.name).toBe(waiting.metadata.name);
    expect(running.status?.pendingReason).toBeUndefined();
    expect((await inspectApp(running)).Config.Env).toContain('LATER=arrived');
  });
});
