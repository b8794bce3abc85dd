import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalClient } from '../../api/client/local-client.js';
import type { Ref } from '../../api/client/types.js';
import type { KindName } from '../../api/keys.js';
import { rawContainer } from '../../api/v1/testing.js';
import { startTestEnv, type TestEnv } from '../kit/test-env.js';
import { TaskDefinitionCache } from './definitions.js';
import { TaskDefinitionMissingError } from './errors.js';

/** The real client on a real store, counting reads. */
class CountingClient extends LocalClient {
  readonly reads: string[] = [];
  override get<K extends KindName>(kind: K, ref: Ref) {
    this.reads.push(ref.name);
    return super.get(kind, ref);
  }
}

let env: TestEnv;
beforeEach(async () => {
  env = await startTestEnv();
});
afterEach(async () => env.stop());

const register = (command: string) =>
  env.client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name: 'web' },
    spec: { containerDefinitions: [rawContainer('app', { command: [command] })] },
  });

describe('TaskDefinitionCache', () => {
  it('tasks of a new revision bound at once share one read, and later loads none', async () => {
    await register('one');
    await register('two');
    const client = new CountingClient(env.resources);
    const cache = new TaskDefinitionCache(client, 'default');
    const specs = await Promise.all(Array.from({ length: 20 }, () => cache.load('web:2')));
    expect(new Set(specs).size).toBe(1);
    expect(specs[0]?.containerDefinitions[0]?.command).toEqual(['two']);
    await cache.load('web:2');
    await cache.load('web:1');
    expect(client.reads).toEqual(['web:2', 'web:1']);
  });

  it('a missing revision is an error for every waiter, and is read again next time', async () => {
    const client = new CountingClient(env.resources);
    const cache = new TaskDefinitionCache(client, 'default');
    const results = await Promise.allSettled([cache.load('web:9'), cache.load('web:9')]);
    expect(results.map((r) => r.status === 'rejected' && r.reason instanceof TaskDefinitionMissingError)).toEqual([true, true]);
    await expect(cache.load('web:9')).rejects.toBeInstanceOf(TaskDefinitionMissingError);
    expect(client.reads).toEqual(['web:9', 'web:9']);
  });
});
