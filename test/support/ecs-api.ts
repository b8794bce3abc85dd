/**
 * Test fixtures for ECS's API (api/server/ecs): an official @aws-sdk/client-ecs client signing with an
 * access key the berth server issued, and waiter options short enough for tests (the SDK's
 * defaults poll every 6-15 s).
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll } from 'vitest';
import type { HttpClient } from '../../api/client/http-client.js';
import { startApi, type RunningApi } from '../api-harness.js';
import { openTestSqlite, type TestStore } from './stores.js';
import { startTestCluster, type TestCluster } from './cluster.js';
import { testInstanceName } from './berth-process.js';

export interface EcsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** An installation-admin key (it may create clusters), or one holding `grants`. */
export async function issueEcsKey(admin: HttpClient, grants?: Record<string, 'admin' | 'edit' | 'view'>): Promise<EcsCredentials> {
  return admin.accessKeys.create(grants ? { name: 'ecs-api-test', grants } : { name: 'ecs-api-test', admin: true });
}

export function ecsClient(url: string, credentials: EcsCredentials): ECSClient {
  return new ECSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 2 });
}

/** SDK waiter options: poll every 1-2 s, give up after `seconds`. */
export const fastWaiter = (client: ECSClient, seconds = 60) => ({ client, maxWaitTime: seconds, minDelay: 1, maxDelay: 2 });

/** The error a call fails with: its name (the ECS exception), message and HTTP status. */
export async function ecsError(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) {
      const meta = '$metadata' in err && typeof err.$metadata === 'object' && err.$metadata !== null ? err.$metadata : {};
      const status = 'httpStatusCode' in meta && typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
      return { name: err.name, message: err.message, status };
    }
  }
  throw new Error('expected the call to fail');
}

/**
 * An API server on a fresh embedded store for the file's tests (started before them, stopped
 * after), and an ECS client with an installation-admin key when `withClient` is set.
 */
export function useEcsApi(options: { withClient?: boolean } = {}) {
  let backend: TestStore | undefined;
  let api: RunningApi | undefined;
  let ecs: ECSClient | undefined;
  beforeAll(async () => {
    backend = await openTestSqlite();
    api = await startApi(backend);
    if (options.withClient) ecs = ecsClient(api.url, await issueEcsKey(api.client()));
  });
  afterAll(async () => {
    ecs?.destroy();
    await api?.stop();
    await backend?.dispose();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is made in beforeAll; use it inside a test`);
    return value;
  };
  return {
    get api(): RunningApi {
      return started(api, 'the API server');
    },
    get backend(): TestStore {
      return started(backend, 'the store');
    },
    get store(): TestStore['store'] {
      return started(backend, 'the store').store;
    },
    get ecs(): ECSClient {
      return started(ecs, 'the ECS client (useEcsApi({ withClient: true }))');
    },
  };
}

/** A test cluster on the real engine with one agent (`prefix`-named instance) and an admin-key ECS client. */
export async function startEcsCluster(prefix: string): Promise<{ cluster: TestCluster; instance: string; ecs: ECSClient }> {
  const cluster = await startTestCluster({ prefix });
  const instance = testInstanceName(prefix);
  await cluster.startAgent(instance);
  return { cluster, instance, ecs: ecsClient(cluster.plane.url, await issueEcsKey(cluster.client)) };
}
