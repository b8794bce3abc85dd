/**
 * Test fixtures for ECS's API (api/ecs): an official @aws-sdk/client-ecs client signing with an
 * access key the berth server issued, and waiter options short enough for tests (the SDK's
 * defaults poll every 6-15 s).
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import type { HttpClient } from '../../api/client/http-client.js';

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
