/**
 * Raw etcd put throughput through the same client berth uses (etcd3): transactions of 100 puts,
 * 64 transactions in flight, over a fixed window — the ceiling the control plane's store offers.
 * (bench-store.ts measures the same client one put at a time and with the Store backends.)
 */
import { randomUUID } from 'node:crypto';
import { Etcd3 } from 'etcd3';

const TXN_SIZE = 100;
const IN_FLIGHT = 64;
const VALUE = Buffer.from(JSON.stringify({ apiVersion: 'berth.dev/v1', kind: 'Task', spec: { desiredStatus: 'RUNNING', pad: 'x'.repeat(400) } }));

/** Keys per second, one figure per repeat (each a `windowMs` window). */
export async function rawEtcdTxnThroughput(endpoint: string, repeats: number, windowMs = 2_000): Promise<number[]> {
  const client = new Etcd3({ hosts: endpoint });
  const prefix = `/berth-bench-raw/${randomUUID()}/`;
  const out: number[] = [];
  try {
    for (let r = 0; r < repeats; r++) {
      const start = performance.now();
      const end = start + windowMs;
      const counts = await Promise.all(
        Array.from({ length: IN_FLIGHT }, async (_, w) => {
          let written = 0;
          for (let i = 0; performance.now() < end; i++) {
            const success = Array.from({ length: TXN_SIZE }, (_, j) => ({ request_put: { key: Buffer.from(`${prefix}${w}/${i % 10}/${j}`), value: VALUE } }));
            await client.kv.txn({ success });
            written += TXN_SIZE;
          }
          return written;
        }),
      );
      out.push(counts.reduce((a, b) => a + b, 0) / ((performance.now() - start) / 1000));
    }
  } finally {
    await client
      .delete()
      .prefix(prefix)
      .exec()
      .catch(() => undefined);
    client.close();
  }
  return out;
}
