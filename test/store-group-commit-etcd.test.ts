/** GroupCommit inside the etcd backend, against the real etcd: concurrent writes share transactions. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EtcdStore } from '../api/store/etcd.js';
import { ConflictError } from '../api/store/errors.js';
import { etcdEndpoint } from './support/stores.js';

describe('GroupCommit in the etcd backend', () => {
  it('batches concurrent creates and CAS writes into far fewer transactions, with per-op outcomes', async () => {
    const store = new EtcdStore({ endpoints: [etcdEndpoint] });
    const prefix = `/test/group-commit/${randomUUID()}/`;
    try {
      const created = await Promise.all(Array.from({ length: 300 }, (_, i) => store.create(`${prefix}${i}`, 'v1')));
      expect(store.groupCommitStats.txns).toBeLessThan(300 / 4);
      // Every other CAS uses a stale revision: those fail, the others land.
      const outcomes = await Promise.allSettled(
        created.map((w, i) => store.put(`${prefix}${i}`, 'v2', { ifModRevision: i % 2 === 0 ? w.revision : w.revision - 1 })),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(150);
      expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof ConflictError)).toHaveLength(150);
      const page = await store.range(prefix);
      expect(page.items.filter((kv) => kv.value === 'v2').map((kv) => Number(kv.key.slice(prefix.length)) % 2)).toEqual(Array(150).fill(0));
    } finally {
      await Promise.all((await store.range(prefix)).items.map((kv) => store.delete(kv.key)));
      await store.close();
    }
  });
});
