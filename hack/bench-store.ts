/**
 * Store benchmark: write throughput and watch latency of both backends, beside a plain etcd3 put
 * loop on the same etcd as the baseline. Prints a markdown table and writes it to bench/store.md.
 *
 *   node dist/hack/bench-store.js            (etcd at BERTH_ETCD_ENDPOINT, default 127.0.0.1:2379)
 *
 * Each throughput figure is keys written per second over a fixed window, so the run stays well
 * under two minutes on a small machine.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import { EtcdStore } from '../api/store/etcd.js';
import { SqliteStore } from '../api/store/sqlite.js';
import type { Store } from '../api/store/types.js';

const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 2000);
const LATENCY_SAMPLES = 300;
const IN_FLIGHT = 64;
const TXN_SIZE = 100;
const VALUE = JSON.stringify({ apiVersion: 'berth.dev/v1', kind: 'Task', spec: { desiredStatus: 'RUNNING', pad: 'x'.repeat(60) } });
const endpoint = process.env.BERTH_ETCD_ENDPOINT ?? 'http://127.0.0.1:2379';

/** The operations measured, so a plain etcd3 client can stand beside the Store backends. */
interface Subject {
  put(key: string, value: string): Promise<unknown>;
  putBatch(keys: string[], value: string): Promise<unknown>;
  /** Start watching `prefix`; `onEvent` gets each event's key. Resolves to a stop function. */
  watch(prefix: string, onEvent: (key: string) => void): Promise<() => Promise<void>>;
}

function storeSubject(store: Store): Subject {
  return {
    put: (key, value) => store.put(key, value),
    putBatch: (keys, value) => store.putMany(keys.map((key) => ({ key, value }))),
    async watch(prefix, onEvent) {
      const watch = store.watch(prefix, { fromRevision: (await store.currentRevision()) + 1 });
      void (async () => {
        for await (const batch of watch) for (const e of batch.events) onEvent(e.kv.key);
      })();
      return () => watch.cancel();
    },
  };
}

function plainEtcdSubject(client: Etcd3): Subject {
  return {
    put: (key, value) => client.put(key).value(value).exec(),
    putBatch: (keys, value) => client.kv.txn({ success: keys.map((key) => ({ request_put: { key: Buffer.from(key), value: Buffer.from(value) } })) }),
    async watch(prefix, onEvent) {
      const watcher = await client.watch().prefix(prefix).create();
      watcher.on('put', (kv) => onEvent(kv.key.toString()));
      return () => watcher.cancel();
    },
  };
}

async function forWindow(body: (i: number) => Promise<number>): Promise<number> {
  const end = performance.now() + WINDOW_MS;
  let written = 0;
  for (let i = 0; performance.now() < end; i++) written += await body(i);
  return written;
}

async function measureWrites(subject: Subject, prefix: string) {
  const started = () => performance.now();
  let t = started();
  const sequential = (await forWindow(async (i) => (await subject.put(`${prefix}seq/${i % 1000}`, VALUE), 1))) / ((performance.now() - t) / 1000);
  t = started();
  const counts = await Promise.all(
    Array.from({ length: IN_FLIGHT }, (_, w) => forWindow(async (i) => (await subject.put(`${prefix}par/${w}/${i % 100}`, VALUE), 1))),
  );
  const parallel = counts.reduce((a, b) => a + b, 0) / ((performance.now() - t) / 1000);
  t = started();
  const batched =
    (await forWindow(async (i) => {
      await subject.putBatch(
        Array.from({ length: TXN_SIZE }, (_, j) => `${prefix}txn/${i % 10}/${j}`),
        VALUE,
      );
      return TXN_SIZE;
    })) /
    ((performance.now() - t) / 1000);
  return { sequential, parallel, batched };
}

/** Put one key at a time and time put-start → event-arrival; one put in flight, so no queueing. */
async function measureWatchLatency(subject: Subject, prefix: string) {
  const waiting = new Map<string, { start: number; done: () => void }>();
  const samples: number[] = [];
  const stop = await subject.watch(`${prefix}lat/`, (key) => {
    const w = waiting.get(key);
    if (!w) return;
    samples.push(performance.now() - w.start);
    waiting.delete(key);
    w.done();
  });
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const key = `${prefix}lat/${i}`;
    const arrived = new Promise<void>((done) => waiting.set(key, { start: performance.now(), done }));
    await subject.put(key, VALUE);
    await arrived;
  }
  await stop();
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

async function bench(name: string, subject: Subject, prefix: string) {
  process.stderr.write(`benchmarking ${name}…\n`);
  return { name, ...(await measureWrites(subject, prefix)), ...(await measureWatchLatency(subject, prefix)) };
}

async function main(): Promise<void> {
  const prefix = `/berth-bench/${randomUUID()}/`;
  const plain = new Etcd3({ hosts: endpoint });
  const etcdStore = new EtcdStore({ endpoints: [endpoint] });
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const sqliteStore = new SqliteStore({ dataDir: dir });
  try {
    const rows = [
      await bench('plain etcd3 client', plainEtcdSubject(plain), `${prefix}plain/`),
      await bench('Store: etcd', storeSubject(etcdStore), `${prefix}store/`),
      await bench('Store: embedded SQLite', storeSubject(sqliteStore), `${prefix}sqlite/`),
    ];
    const n = (x: number) => Math.round(x).toLocaleString('en-US');
    const ms = (x: number) => x.toFixed(2);
    const table = [
      `# Store benchmark`,
      ``,
      `${new Date().toISOString().slice(0, 10)}, etcd at ${endpoint}, SQLite in a temp dir (WAL, synchronous=NORMAL); ` +
        `${WINDOW_MS} ms per throughput figure, ${LATENCY_SAMPLES} latency samples, values of ${VALUE.length} bytes.`,
      ``,
      `| backend | sequential puts/s | puts/s, ${IN_FLIGHT} in flight | keys/s in txns of ${TXN_SIZE} | watch latency p50 (ms) | p99 (ms) |`,
      `|---|---:|---:|---:|---:|---:|`,
      ...rows.map((r) => `| ${r.name} | ${n(r.sequential)} | ${n(r.parallel)} | ${n(r.batched)} | ${ms(r.p50)} | ${ms(r.p99)} |`),
      ``,
    ].join('\n');
    process.stdout.write(table);
    mkdirSync('bench', { recursive: true });
    writeFileSync(join('bench', 'store.md'), table);
  } finally {
    await plain.delete().prefix(prefix).exec();
    plain.close();
    await etcdStore.close();
    await sqliteStore.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
