import { afterAll } from 'vitest';
import { describeStoreContract } from '../api/store/contract.js';
import { EtcdStore } from '../api/store/etcd.js';
import type { Store } from '../api/store/types.js';
import { EtcdProcess } from './store-etcd-process.js';

const endpoint = process.env.BERTH_ETCD_ENDPOINT ?? 'http://127.0.0.1:2379';
let own: EtcdProcess | undefined;

afterAll(async () => {
  await own?.destroy();
});

describeStoreContract('etcd', async () => new EtcdStore({ endpoints: [endpoint] }), {
  restart: {
    watchesSurvive: true,
    async open() {
      own = new EtcdProcess();
      await own.start();
      return new EtcdStore({ endpoints: [own.endpoint] });
    },
    async restart(store: Store) {
      if (!own) throw new Error('restart before open');
      await own.stop();
      await own.start();
      return store;
    },
    async teardown() {
      await own?.destroy();
      own = undefined;
    },
  },
});
