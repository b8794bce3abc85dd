/**
 * Placement throughput, server memory and API latency on simulated instances: the control plane in
 * one child process, the simulated fleet in another (etcd) or on a worker thread of the server's
 * (embedded store), this process applying the services over HTTP and watching for every task to be
 * RUNNING.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../api/client/errors.js';
import { onAbort } from '../api/on-abort.js';
import { HttpClient } from '../api/client/http-client.js';
import { ndjsonLines } from '../api/client/http-watch.js';
import { readBody, Transport } from '../api/client/transport.js';
import { resourcePath } from '../api/paths.js';
import { AlreadyExistsError } from '../api/usecases/resources/errors.js';
import { startPrivateEtcd } from './bench-etcd.js';
import { percentile } from './bench-stats.js';
import type { NodeConfig } from './bench-node.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled tree (dist/): this file runs from dist/hack, or from hack/ under vitest. */
const dist = existsSync(join(here, 'bench-node.js')) ? join(here, '..') : join(here, '..', 'dist');
/** Where the children's logs go (BERTH_LOG_LEVEL sets how much), for looking into a slow run. */
const nodeLog = process.env.BENCH_NODE_LOG;

export interface PlacementScale {
  instances: number;
  services: number;
  tasksPerService: number;
}

export interface PlacementResult {
  tasks: number;
  seconds: number;
  tasksPerSecond: number;
  /** Peak RSS of the server process (MB): its VmHWM at the end of the run. */
  serverPeakRssMB: number;
  serverHoldsFleet: boolean;
  latency?: ApiLatency;
}

export interface ApiLatency {
  getMs: number[];
  listMs: number[];
  applyMs: number[];
  listedItems: number;
}

interface NodeHandle {
  child: ChildProcess;
  ready: Record<string, unknown>;
  peakRssMB(): number;
  stop(): Promise<void>;
}

async function startNode(config: NodeConfig, profileDir: string | undefined, env: Record<string, string> = {}): Promise<NodeHandle> {
  // Room for 1,000 agents beside the server (the embedded store's process holds both).
  // A process that hosts the simulated fleet gets a larger young generation: 1,000 agents'
  // short-lived objects cost the fleet ~14 % of its CPU in scavenges at V8's default, ~10 % at
  // 64 MB, which leaves more of the shared machine to the server and etcd. Such a process stands in
  // for 1,000 agent processes, as its V8 default heap growth does (bench-node.ts); the etcd
  // server, whose memory is a figure of the bench, runs as `berth server` does.
  const young = config.fleet > 0 ? ['--max-semi-space-size=64'] : [];
  const args = [
    '--max-old-space-size=4096',
    ...young,
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    join(dist, 'hack', 'bench-node.js'),
  ];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, BENCH_NODE: JSON.stringify(config) }, stdio: ['pipe', 'pipe', 'inherit'] });
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) process.stderr.write(`[bench] the ${config.role} process (pid ${child.pid}) exited unexpectedly: code ${code}, signal ${signal}\n`);
      resolve();
    }),
  );
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      if (nodeLog) appendFileSync(nodeLog, chunk);
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('READY '));
      if (line) resolve(JSON.parse(line.slice('READY '.length)) as Record<string, unknown>);
    });
    child.once('exit', (code) => reject(new Error(`bench ${config.role} process exited with ${code} before it was ready (its log is above)`)));
  });
  return {
    child,
    ready,
    peakRssMB: () => peakRssMB(child.pid),
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** VmHWM: the process's peak resident set size so far, as the kernel counts it. */
function peakRssMB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

const taskDefinition = (cluster: string, family: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition' as const,
  metadata: { name: family, cluster },
  spec: { containerDefinitions: [{ name: 'app', image: 'sim', cpu: 128, memory: 256, command: ['sleep', 'infinity'] }] },
});

const service = (cluster: string, name: string, desiredCount: number) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name, cluster },
  spec: { taskDefinition: name, desiredCount },
});

/**
 * Resolves once `total` tasks of the cluster are RUNNING (and meant to run), as seen by one HTTP
 * watch. The observer shares the two cores with what it measures, so it reads the stream as plain
 * JSON: HttpClient.watch validates every event's object with the kind's schema at the edge (right
 * for a client that trusts no server), which cost this process ~1 CPU-s over the 60,000 events of
 * a run, ~6 % of the machine's CPU in the timed window. The server's side is the same either way.
 */
async function allRunning(
  server: string,
  token: string,
  cluster: string,
  total: number,
  fromRevision: number,
  timeoutMs: number,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const running = new Set<string>();
  const abort = new AbortController();
  onAbort(signal, () => abort.abort());
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const progress = setInterval(() => log(`    ${running.size} of ${total} RUNNING`), 10_000);
  const transport = new Transport({ server, token });
  const shortfall = () => `only ${running.size} of ${total} tasks were RUNNING`;
  try {
    // The server streams changes after the revision given; fromRevision is the first one wanted.
    const path = `${resourcePath({ kind: 'Task', cluster })}?watch=true&resourceVersion=${fromRevision - 1}`;
    const res = await transport.request('GET', path, { signal: abort.signal });
    if (res.statusCode !== 200) throw new Error(`placement: the task watch answered ${res.statusCode}: ${JSON.stringify(await readBody(res))}`);
    for await (const lines of ndjsonLines(res)) {
      for (const line of lines) {
        const event = JSON.parse(line) as WatchLine;
        if (event.type === 'ERROR') throw new Error(`placement: the task watch ended with an error: ${JSON.stringify(event.object)}`);
        if (event.type === 'BOOKMARK') continue;
        const task = event.object;
        if (event.type !== 'DELETED' && task.status?.lastStatus === 'RUNNING' && task.spec?.desiredStatus === 'RUNNING') running.add(task.metadata.name);
        else running.delete(task.metadata.name);
      }
      if (running.size >= total) return;
    }
    throw new Error(`placement: the server ended the task watch; ${shortfall()}`);
  } catch (err) {
    if (abort.signal.aborted && !signal.aborted) throw new Error(`placement: ${shortfall()} after ${timeoutMs / 1000} s`);
    throw err;
  } finally {
    clearTimeout(timer);
    clearInterval(progress);
    abort.abort();
    transport.close();
  }
}

/** What the observer reads of a watch line (the API's watch event; see api/server/watch-stream.ts). */
interface WatchLine {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: { metadata: { name: string }; spec?: { desiredStatus?: string }; status?: { lastStatus?: string } };
}

/**
 * A loaded server may reset a kept-alive connection just as a request reuses it (ECONNRESET, a
 * retriable ApiUnreachable): try again, as berth's own clients do. A create that did land before
 * the reset answers AlreadyExists on the retry, which is success here.
 */
async function retrying(call: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await call();
      return;
    } catch (err) {
      if (err instanceof AlreadyExistsError || (err instanceof ApiError && err.code === 409 && attempt > 1)) return;
      const retriable = typeof err === 'object' && err !== null && 'retriable' in err && err.retriable === true;
      if (!retriable || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

async function timed(call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await call();
  return performance.now() - start;
}

/** A directory of 100 objects (50 task definitions, 50 services with no tasks), labelled `round`. */
function writeApplyDir(dir: string, round: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 50; i++) {
    const name = `app-${String(i).padStart(2, '0')}`;
    const td = { ...taskDefinition('apply-bench', name), metadata: { name } };
    td.spec.containerDefinitions[0] = {
      ...td.spec.containerDefinitions[0],
      command: ['sleep', String(1000 + round)],
    } as (typeof td.spec.containerDefinitions)[0];
    const svc = { ...service('apply-bench', name, 0), metadata: { name, labels: { round: String(round) } } };
    writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(td)}\n`);
    writeFileSync(join(dir, `${name}-service.json`), `${JSON.stringify(svc)}\n`);
  }
}

async function measureLatency(client: HttpClient, url: string, token: string, cluster: string, samples: number): Promise<ApiLatency> {
  const names: string[] = [];
  const listMs: number[] = [];
  let listedItems = 0;
  for (let i = 0; i < Math.max(3, Math.ceil(samples / 20)); i++) {
    listMs.push(
      await timed(async () => {
        // In pages, as informers list: one unpaged list of 20,000 tasks exceeds etcd's 4 MB gRPC
        // message limit (the server answers 503).
        const items: string[] = [];
        for (let token: string | undefined, first = true; first || token; first = false) {
          const page = await client.list('Task', { cluster, limit: 500, continue: token });
          items.push(...page.items.map((t) => t.metadata.name));
          token = page.continue;
        }
        listedItems = items.length;
        if (names.length === 0) names.push(...items);
      }),
    );
  }
  const getMs: number[] = [];
  for (let i = 0; i < samples; i++) {
    const name = names[Math.floor(Math.random() * names.length)] ?? 'none';
    getMs.push(await timed(() => client.get('Task', { cluster, name })));
  }
  await client.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: 'apply-bench' }, spec: {} }).catch(() => undefined);
  const dir = join(tmpdir(), `berth-bench-apply-${randomUUID().slice(0, 8)}`);
  const applyMs: number[] = [];
  try {
    for (let round = 0; round < Math.max(2, Math.ceil(samples / 40)); round++) {
      writeApplyDir(dir, round);
      // The real binary, as a user runs it: every round changes every object.
      applyMs.push(
        await timed(async () => {
          execFileSync(process.execPath, [join(dist, 'cli', 'main.js'), 'apply', '-f', dir, '--server', url, '--token', token, '--cluster', 'apply-bench'], {
            stdio: 'ignore',
          });
        }),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { getMs, listMs, applyMs, listedItems };
}

export interface PlacementRun {
  store: 'etcd' | 'embedded';
  scale: PlacementScale;
  measureLatency: boolean;
  latencySamples?: number;
  profileDir?: string;
  /** Extra environment of the server process (e.g. BERTH_HEAP_GROWTH_PERCENT). */
  serverEnv?: Record<string, string>;
  timeoutMs?: number;
  log: (line: string) => void;
}

export async function runPlacement(run: PlacementRun): Promise<PlacementResult> {
  const id = randomUUID().slice(0, 8);
  const cluster = `bench-${id}`;
  const dataDir = join(tmpdir(), `berth-bench-${id}`);
  const etcdPrefix = `/berth-bench/${id}`;
  const onEtcd = run.store === 'etcd';
  const nodes: NodeHandle[] = [];
  const { instances, services, tasksPerService } = run.scale;
  const total = services * tasksPerService;
  const finished = new AbortController();
  // Every etcd run starts from an empty etcd of its own (see bench-etcd.ts).
  const etcd = onEtcd ? await startPrivateEtcd() : undefined;
  try {
    const base = { etcdEndpoint: etcd?.endpoint, etcdPrefix, dataDir, cluster };
    const server = await startNode({ ...base, role: 'server', fleet: onEtcd ? 0 : instances }, run.profileDir, run.serverEnv);
    nodes.push(server);
    if (onEtcd) nodes.push(await startNode({ ...base, dataDir: `${dataDir}-fleet`, role: 'fleet', fleet: instances }, run.profileDir));
    const url = String(server.ready.url);
    const token = String(server.ready.token);
    const client = new HttpClient({ server: url, token });
    // Every instance registered (and heartbeating) before the clock starts.
    for (let i = 0; (await client.list('ContainerInstance', { cluster })).items.length < instances; i++) {
      if (i > 600) throw new Error(`placement: ${instances} simulated instances did not all register within 60 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    run.log(`  ${run.store}: ${instances} simulated instances up; applying ${services} × ${tasksPerService} tasks`);
    const fromRevision = Number((await client.list('Task', { cluster, limit: 1 })).resourceVersion) + 1;
    const start = performance.now();
    const done = allRunning(url, token, cluster, total, fromRevision, run.timeoutMs ?? 300_000, run.log, finished.signal);
    done.catch(() => undefined); // awaited below; a failure while the creates run must not go unhandled
    await Promise.all(
      Array.from({ length: services }, async (_, i) => {
        const name = `svc-${String(i).padStart(2, '0')}`;
        await retrying(() => client.create(taskDefinition(cluster, name)));
        await retrying(() => client.create(service(cluster, name, tasksPerService)));
      }),
    );
    await done;
    const seconds = (performance.now() - start) / 1000;
    run.log(`  ${run.store}: ${total} tasks RUNNING in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} tasks/s)`);
    // A failed probe must not cost the placement figures already taken.
    const latency = run.measureLatency
      ? await measureLatency(client, url, token, cluster, run.latencySamples ?? 200).catch(
          (err: unknown) => (run.log(`  API latency probe failed: ${String(err)}`), undefined),
        )
      : undefined;
    return { tasks: total, seconds, tasksPerSecond: total / seconds, serverPeakRssMB: server.peakRssMB(), serverHoldsFleet: !onEtcd, latency };
  } finally {
    finished.abort();
    for (const node of [...nodes].reverse()) await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}-fleet`, { recursive: true, force: true });
    await etcd?.stop();
  }
}

export const latencySummary = (l: ApiLatency) => ({
  get: { p50: percentile(l.getMs, 0.5), p99: percentile(l.getMs, 0.99) },
  list: { p50: percentile(l.listMs, 0.5), p99: percentile(l.listMs, 0.99) },
  apply: { p50: percentile(l.applyMs, 0.5), p99: percentile(l.applyMs, 0.99) },
});
