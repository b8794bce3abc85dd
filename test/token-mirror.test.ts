/**
 * The token mirror: registered tokens answered from memory, kept by a watch; everything it does not
 * hold (or holds no more) read from the store, so it can only ever make a "yes" faster.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenMirror } from '../api/auth/token-mirror.js';
import { hashToken, TokenRegistry } from '../api/auth/tokens.js';
import { sysKeys } from '../api/keys.js';
import { eventually } from '../controllers/kit/test-env.js';
import { WatchBrokenError } from '../api/store/errors.js';
import type { Store, Watch, WatchBatch } from '../api/store/types.js';
import { delegate } from './support/delegate.js';
import { breakableWatches, testStoreBackends, type TestStore } from './support/stores.js';

const log = pino({ level: 'silent' });

/** A watch that delivers nothing until cancelled (a mirror whose watch has not brought news yet). */
function silentWatch(): Watch {
  let end: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (end = resolve));
  return {
    // A watch that delivers nothing until cancelled: a generator without a yield is the point.
    // eslint-disable-next-line require-yield
    async *[Symbol.asyncIterator](): AsyncGenerator<WatchBatch> {
      await ended;
    },
    cancel: async () => end(),
    closed: ended.then(() => undefined),
  };
}

const until = async (what: string, check: () => boolean | Promise<boolean>) => {
  await eventually(async () => check(), 5000, what);
};

describe.each(testStoreBackends)('token mirror on %s', (_name, open) => {
  let backend: TestStore;
  const mirrors: TokenMirror[] = [];
  const mirrorOf = (store: Store, retryMs = 1000) => {
    const mirror = new TokenMirror(store, log, { retryMs });
    mirrors.push(mirror);
    mirror.start();
    return mirror;
  };
  beforeEach(async () => {
    backend = await open();
  });
  afterEach(async () => {
    await Promise.all(mirrors.splice(0).map((m) => m.stop()));
    await backend.dispose();
  });

  it('answers a registered token from memory, with no store read; an unknown one is read from the store', async () => {
    let gets = 0;
    const counted = delegate(backend.store, { get: (key) => (gets++, backend.store.get(key)) });
    const early = await new TokenRegistry(backend.store).issueAgentToken('default', 'i-1');
    const mirror = mirrorOf(counted);
    const registry = new TokenRegistry(counted, mirror);
    const late = await registry.issueAdminToken('ops');
    // One token was there before the fill, one came by the watch.
    await until('both tokens mirrored', () => mirror.size === 2);
    gets = 0;
    expect(await registry.authenticate(early)).toEqual({ name: 'agent:default/i-1', role: 'agent', cluster: 'default', instance: 'i-1' });
    expect(await registry.authenticate(late)).toEqual({ name: 'ops', role: 'admin' });
    expect(gets).toBe(0);
    expect(await registry.authenticate('berth_not-a-registered-token')).toBeUndefined();
    expect(gets).toBe(1);
  });

  it('lets in a token registered by another server at once, and follows that server revoking it', async () => {
    const mirror = mirrorOf(backend.store);
    const here = new TokenRegistry(backend.store, mirror);
    const elsewhere = new TokenRegistry(backend.store);
    await here.issueAdminToken();
    await until('the mirror filled', () => mirror.size === 1);
    const token = await elsewhere.issueAdminToken('from-elsewhere');
    // Whether or not the watch has brought it yet, the store has it.
    expect(await here.authenticate(token)).toEqual({ name: 'from-elsewhere', role: 'admin' });
    await until('the watch brought it', () => mirror.identityOf(hashToken(token)) !== undefined);
    expect(await elsewhere.revoke(token)).toBe(true);
    await until('the revocation reached the mirror', () => mirror.identityOf(hashToken(token)) === undefined);
    expect(await here.authenticate(token)).toBeUndefined();
  });

  it("its own registry's revoke takes effect at once, before the watch says so", async () => {
    const silent = delegate(backend.store, { watch: () => silentWatch() });
    const token = await new TokenRegistry(backend.store).issueAdminToken();
    const mirror = mirrorOf(silent);
    const registry = new TokenRegistry(silent, mirror);
    await until('filled', () => mirror.size === 1);
    expect(await registry.revoke(token)).toBe(true);
    expect(mirror.identityOf(hashToken(token))).toBeUndefined();
    expect(await registry.authenticate(token)).toBeUndefined();
  });

  it('does not bring back a token revoked while it was reading the tokens', async () => {
    const [kept, revoked] = [await new TokenRegistry(backend.store).issueAdminToken('kept'), await new TokenRegistry(backend.store).issueAdminToken('revoked')];
    let read: () => void = () => undefined;
    const wasRead = new Promise<void>((resolve) => (read = resolve));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The fill reads both tokens, and finishes only after the revocation; the watch stays silent,
    // so only the mirror's own bookkeeping can keep the revoked token out.
    const slow = delegate(backend.store, {
      async range(prefix, options) {
        const result = await backend.store.range(prefix, options);
        read();
        await gate;
        return result;
      },
      watch: () => silentWatch(),
    });
    const mirror = mirrorOf(slow);
    const registry = new TokenRegistry(slow, mirror);
    await wasRead;
    await registry.revoke(revoked);
    release();
    await until('filled', () => mirror.size === 1);
    expect(mirror.identityOf(hashToken(kept))).toEqual({ name: 'kept', role: 'admin' });
    expect(mirror.identityOf(hashToken(revoked))).toBeUndefined();
    expect(await registry.authenticate(revoked)).toBeUndefined();
  });

  it('holds nothing while its watch is broken (requests read the store), then fills again', async () => {
    const breakable = breakableWatches(backend.store);
    const token = await new TokenRegistry(backend.store).issueAdminToken('ops');
    const mirror = mirrorOf(breakable.store, 300);
    const registry = new TokenRegistry(breakable.store, mirror);
    await until('filled', () => mirror.size === 1 && breakable.openedWatches() === 1);
    breakable.failWatches(new WatchBrokenError(sysKeys.tokensPrefix(), 0, 'the test broke it'));
    await until('emptied', () => mirror.size === 0);
    // Revoked elsewhere while the mirror is blind: nothing stale may answer for it.
    await new TokenRegistry(backend.store).revoke(token);
    expect(await registry.authenticate(token)).toBeUndefined();
    const next = await new TokenRegistry(backend.store).issueAdminToken('next');
    expect(await registry.authenticate(next)).toEqual({ name: 'next', role: 'admin' });
    await until('filled again with a new watch', () => mirror.size === 1 && breakable.openedWatches() === 2);
    expect(mirror.identityOf(hashToken(next))).toEqual({ name: 'next', role: 'admin' });
    expect(mirror.identityOf(hashToken(token))).toBeUndefined();
  });

  it('grants nothing for a stored value that is not a token of that hash', async () => {
    const mirror = mirrorOf(backend.store);
    const registry = new TokenRegistry(backend.store, mirror);
    const real = await registry.issueAdminToken('real');
    await until('filled', () => mirror.size === 1);
    // A value copied under another hash (a tampered store) names the wrong hash.
    const forged = 'berth_forged';
    const value = (await backend.store.get(sysKeys.token(hashToken(real))))?.value;
    expect(value).toBeDefined();
    await backend.store.put(sysKeys.token(hashToken(forged)), value ?? '');
    await backend.store.put(sysKeys.token('0'.repeat(64)), 'not json');
    const probe = await registry.issueAdminToken('probe');
    await until('the watch passed the forged values', () => mirror.identityOf(hashToken(probe)) !== undefined);
    expect(mirror.size).toBe(2);
    expect(await registry.authenticate(forged)).toBeUndefined();
  });
});
