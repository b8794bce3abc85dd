/**
 * A follower stopped while its first read of the store is still in flight (an API server closed
 * right after it started, as every short test and a crash-looping control plane do) must still
 * stop: the stop came before its watch existed, so nothing else will ever end that watch.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessKeyRegistry } from '../api/auth/access-keys.js';
import { TokenMirror } from '../api/auth/token-mirror.js';
import type { Store } from '../api/store/types.js';
import { memoryKeys } from './api-harness.js';
import { delegate } from './support/delegate.js';
import { testStoreBackends, type TestStore } from './support/stores.js';

const log = pino({ level: 'silent' });

/** `store` whose range calls wait until release(): the first read, held in flight. */
function heldReads(store: Store) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started: () => void = () => undefined;
  const firstReadStarted = new Promise<void>((resolve) => (started = resolve));
  const held = delegate(store, {
    async range(...args: Parameters<Store['range']>) {
      started();
      await released;
      return store.range(...args);
    },
  });
  return { store: held, firstReadStarted, release };
}

const settlesWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe.each(testStoreBackends)('stopping during the first read, on %s', (_name, open) => {
  let backend: TestStore;
  beforeEach(async () => {
    backend = await open();
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it('the access key registry stops', async () => {
    const { store, firstReadStarted, release } = heldReads(backend.store);
    const registry = new AccessKeyRegistry(store, memoryKeys());
    registry.start(log);
    await firstReadStarted;
    const stopped = registry.stop();
    release();
    expect(await settlesWithin(stopped, 5000)).toBe(true);
  });

  it('the token mirror stops', async () => {
    const { store, firstReadStarted, release } = heldReads(backend.store);
    const mirror = new TokenMirror(store, log);
    mirror.start();
    await firstReadStarted;
    const stopped = mirror.stop();
    release();
    expect(await settlesWithin(stopped, 5000)).toBe(true);
  });
});
