/**
 * ECS's own clients, unchanged, against berth on the real engine: Debian's AWS CLI (/usr/bin/aws,
 * not a pyenv one on PATH) runs test/ecs-clients/aws-deploy.sh, and Debian's python3-boto3 runs
 * boto3-deploy.py: register an ECS sample task definition → create-service → wait services-stable
 * → update-service to a new revision → wait → describe-services showing the completed deployment.
 * The CLI's waiter delay (15 s) comes from botocore's waiters-2.json; AWS_DATA_PATH puts a copy with
 * 1 s delays in front of it, changing nothing else.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';
import { tempDir, testInstanceName } from './support/berth-process.js';
import { issueEcsKey, type EcsCredentials } from './support/ecs-api.js';

const run = promisify(execFile);
const BOTOCORE_ECS = '/usr/lib/python3/dist-packages/awscli/botocore/data/ecs/2014-11-13';
const FIXTURE = resolve('test/fixtures/ecs-task-definitions/aws-cli-register-sleep360.json');

let cluster: TestCluster;
let key: EcsCredentials;
let env: NodeJS.ProcessEnv;

/** A copy of botocore's ECS waiters polling every second (up to 90 times). */
function fastWaitersDir(): string {
  const dir = tempDir('berth-ecsapi-aws-');
  const model = z
    .object({ waiters: z.record(z.string(), z.looseObject({})) })
    .loose()
    .parse(JSON.parse(readFileSync(join(BOTOCORE_ECS, 'waiters-2.json'), 'utf8')));
  const waiters = Object.fromEntries(Object.entries(model.waiters).map(([name, w]) => [name, { ...w, delay: 1, maxAttempts: 90 }]));
  mkdirSync(join(dir, 'data', 'ecs', '2014-11-13'), { recursive: true });
  writeFileSync(join(dir, 'data', 'ecs', '2014-11-13', 'waiters-2.json'), JSON.stringify({ ...model, waiters }));
  return dir;
}

beforeAll(async () => {
  cluster = await startTestCluster({ prefix: 'ecsapi' });
  await cluster.startAgent(testInstanceName('ecsapi'));
  key = await issueEcsKey(cluster.client, { '*': 'edit' });
  const home = fastWaitersDir();
  const { PATH } = process.env;
  env = {
    PATH,
    HOME: home,
    AWS_DATA_PATH: join(home, 'data'),
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_PAGER: '',
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    ENDPOINT: cluster.plane.url,
    CLUSTER: cluster.name,
    IMAGE: TEST_IMAGE,
    FIXTURE,
  };
}, 60_000);
afterAll(async () => {
  await cluster?.dispose();
});

const Described = z.object({
  services: z.array(
    z.object({
      taskDefinition: z.string(),
      runningCount: z.number(),
      deployments: z.array(z.object({ status: z.string(), rolloutState: z.string(), taskDefinition: z.string() })),
    }),
  ),
});

describe("ECS's own clients", () => {
  it('Debian awscli: register → create-service → wait services-stable → update-service → wait → describe-services', async () => {
    const { stdout, stderr } = await run('bash', [resolve('test/ecs-clients/aws-deploy.sh')], { env, timeout: 150_000 });
    process.stderr.write(stderr);
    const service = Described.parse(JSON.parse(stdout)).services[0];
    expect(service?.taskDefinition).toMatch(/^arn:aws:ecs:us-east-1:\d{12}:task-definition\/sleep360:2$/);
    expect(service?.runningCount).toBe(1);
    expect(service?.deployments).toEqual([{ status: 'PRIMARY', rolloutState: 'COMPLETED', taskDefinition: service?.taskDefinition }]);
  }, 160_000);

  it('Debian python3-boto3: the same deploy in a few lines', async () => {
    const { stdout } = await run('/usr/bin/python3', [resolve('test/ecs-clients/boto3-deploy.py')], { env, timeout: 150_000 });
    const out = z.object({ taskDefinition: z.string(), deployments: z.number(), runningCount: z.number(), wanted: z.string() }).parse(JSON.parse(stdout));
    expect(out.taskDefinition).toBe(out.wanted);
    expect(out).toMatchObject({ deployments: 1, runningCount: 1 });
  }, 160_000);
});
