/**
 * The bench fleet's fan-out (hack/bench-fleet.ts): one watch of a cluster's tasks served to many
 * per-instance informers, as 1,000 agents' own watches would be served by the API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_VERSION } from '../api/v1/meta.js';
import { startTestEnv, eventually, type TestEnv } from '../controllers/kit/test-env.js';
import { TaskFanOut } from '../hack/bench-fleet.js';

const task = (name: string, instance?: string) => ({
  apiVersion: API_VERSION,
  kind: 'Task' as const,
  metadata: { name },
  spec: { taskDefinition: 'web:1', ...(instance ? { containerInstance: instance } : {}) },
});

describe('TaskFanOut', () => {
  let env: TestEnv;
  beforeEach(async () => (env = await startTestEnv()));
  afterEach(async () => env.stop());

  /** Every batch a subscription yields, flattened to "name@instance" (or "name@-" unbound). */
  function collect(watch: AsyncIterable<{ object?: { metadata: { name: string }; spec: { containerInstance?: string } } }[]>) {
    const seen: string[] = [];
    const done = (async () => {
      for await (const batch of watch) for (const e of batch) seen.push(`${e.object?.metadata.name}@${e.object?.spec.containerInstance ?? '-'}`);
    })();
    return { seen, done };
  }

  it("gives each instance's watch its own bound tasks only, and lists only bound tasks", async () => {
    await env.client.create(task('early', 'i-1'));
    const fanOut = new TaskFanOut(env.client, 'default');
    await fanOut.start();
    expect(fanOut.list('i-1').items.map((t) => t.metadata.name)).toEqual(['early']);
    const one = collect(fanOut.subscribe('i-1', Number(fanOut.list('i-1').resourceVersion) + 1));
    const two = collect(fanOut.subscribe('i-2', Number(fanOut.list('i-2').resourceVersion) + 1));
    await env.client.create(task('a', 'i-1'));
    await env.client.create(task('b', 'i-2'));
    await env.client.create(task('unbound'));
    await env.client.create(task('c', 'i-1'));
    await eventually(() => one.seen.length >= 2 && two.seen.length >= 1, 5000, 'the bound tasks delivered');
    expect(one.seen).toEqual(['a@i-1', 'c@i-1']);
    expect(two.seen).toEqual(['b@i-2']);
    expect(
      fanOut
        .list('i-1')
        .items.map((t) => t.metadata.name)
        .sort(),
    ).toEqual(['a', 'c', 'early']);
    expect(fanOut.list('i-3').items).toEqual([]);
    await fanOut.stop();
    await Promise.all([one.done, two.done]);
  });

  it('answers a watch from before the events it still holds as a compacted revision (the informer relists)', async () => {
    const fanOut = new TaskFanOut(env.client, 'default', 2);
    await fanOut.start();
    const from = Number(fanOut.list('i-1').resourceVersion) + 1;
    for (let i = 0; i < 6; i++) await env.client.create(task(`t-${i}`, 'i-1'));
    await eventually(() => fanOut.list('i-1').items.length === 6, 5000, 'the fan-out to see every task');
    const stale = fanOut.subscribe('i-1', from);
    await expect(stale.closed).resolves.toMatchObject({ name: 'Compacted' });
    // From the current list's revision the watch is served, and sees what comes next.
    const fresh = collect(fanOut.subscribe('i-1', Number(fanOut.list('i-1').resourceVersion) + 1));
    await env.client.create(task('next', 'i-1'));
    await eventually(() => fresh.seen.length >= 1, 5000, 'the next task delivered');
    expect(fresh.seen).toEqual(['next@i-1']);
    await fanOut.stop();
    await fresh.done;
  });
});
