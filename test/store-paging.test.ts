/**
 * Paging costs the same per page wherever the page is: a `continue` resumes from its key, never by
 * reading (or filtering) everything before it. Measured on both backends with ~10k keys, and with a
 * write after the first page, so the later pages are read at an older revision, as a real list
 * during activity is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../api/store/types.js';
import { testStoreBackends, type TestStore } from './support/stores.js';

const KEYS = 10_000;
const PAGE = 500;
const VALUE = JSON.stringify({ spec: { taskDefinition: 'web:1', padding: 'x'.repeat(400) } });

describe.each(testStoreBackends)('paging on %s', (_name, open) => {
  let backend: TestStore;
  let store: Store;
  const prefix = '/paging/tasks/';

  beforeAll(async () => {
    backend = await open();
    store = backend.store;
    const keys = Array.from({ length: KEYS }, (_, i) => `${prefix}task-${String(i).padStart(6, '0')}`);
    // Each key written twice: history for reads at an old revision to see through.
    for (const round of [0, 1]) await store.putMany(keys.map((key) => ({ key, value: `${VALUE}${round}` })));
  }, 120_000);

  afterAll(async () => {
    await backend?.dispose();
  });

  /** Every page of the prefix, timed; a write after the first page moves the store past the list's revision. */
  async function timedPages(): Promise<number[]> {
    const times: number[] = [];
    let startAfter: string | undefined;
    let revision: number | undefined;
    let count = 0;
    for (;;) {
      const started = performance.now();
      const page = await store.range(prefix, { limit: PAGE, startAfter, revision });
      times.push(performance.now() - started);
      count += page.items.length;
      if (revision === undefined) await store.put('/paging/other', String(Date.now()));
      revision = page.revision;
      startAfter = page.items.at(-1)?.key;
      if (!page.more) break;
    }
    expect(count).toBe(KEYS);
    return times;
  }

  it('reads the last page about as fast as the second', async () => {
    await timedPages(); // warm up caches and prepared statements
    const runs: number[][] = [];
    for (let i = 0; i < 3; i++) runs.push(await timedPages());
    // Per position, the best of three runs: scheduling noise only ever adds time.
    const fastest = (index: number) => Math.min(...runs.map((t) => t.at(index) ?? Infinity));
    // Page 2 (index 1) is the first read at an older revision, as every later page is.
    const second = fastest(1);
    const last = fastest(-2); // the last full page
    expect(last / second, `second page ${second.toFixed(1)} ms, last page ${last.toFixed(1)} ms`).toBeLessThan(4);
  }, 120_000);
});
