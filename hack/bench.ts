/**
 * The benchmark: `bash hack/bench.sh` (or `node dist/hack/bench.js` with etcd and dockerd up).
 * Writes bench/RESULTS.md. Scale and repeats come from the environment, so a quick run is possible:
 *
 *   BENCH_INSTANCES=1000 BENCH_SERVICES=20 BENCH_TASKS_PER_SERVICE=1000   placement scale
 *   BENCH_PLACEMENT_REPEATS=3  BENCH_REPEATS=5                            repeats (placement, Docker)
 *   BENCH_SECTIONS=placement,docker                                       what to run
 *   BENCH_STORES=etcd,embedded                                            which stores placement runs on
 *   BENCH_DOCKER=start,recovery,update                                    which real-Docker comparisons run
 *   BENCH_PROFILE=/tmp/prof                                               --cpu-prof of the placement children, and a profile
 *                                                                         of this process in each timed start/update window
 *   BENCH_NO_LATENCY=1                                                    skip the API latency probe
 *   BENCH_HEAP_COMPARE=0                                                  skip the run at V8's own heap growth
 *   BENCH_OUT=bench/RESULTS.md
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { runDockerBench, type DockerBenchResult } from './bench-docker.js';
import { runPlacement, type PlacementResult } from './bench-placement.js';
import { renderResults, type BenchConfig, type Machine } from './bench-report.js';
import { HEAP_GROWTH_ENV } from '../cmd/heap-growth.js';

const env = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name}=${process.env[name]} is not a number; unset it or give e.g. ${fallback}`);
  return v;
};

const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function version(cmd: string, args: string[], pattern: RegExp): string {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return pattern.exec(out)?.[1] ?? out.trim().split('\n')[0] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function etcdVersion(endpoint: string): Promise<string> {
  try {
    const res = await fetch(`${endpoint}/version`);
    const body: unknown = await res.json();
    return typeof body === 'object' && body !== null && 'etcdserver' in body ? String(body.etcdserver) : 'unknown';
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const config: BenchConfig = {
    instances: env('BENCH_INSTANCES', 1000),
    services: env('BENCH_SERVICES', 20),
    tasksPerService: env('BENCH_TASKS_PER_SERVICE', 1000),
    // 3: single placement runs on this shared machine moved ±20 % from one to the next.
    placementRepeats: env('BENCH_PLACEMENT_REPEATS', 3),
    // Five: the Docker rows sit near the engine's floor on both sides, where three rounds let one
    // slow minute of the shared machine decide a verdict (bench/NOTES.md, session 8).
    repeats: env('BENCH_REPEATS', 5),
    startTasks: env('BENCH_START_TASKS', 50),
    updateTasks: env('BENCH_UPDATE_TASKS', 20),
    recoveryRepeats: env('BENCH_RECOVERY_REPEATS', 5),
    healthIntervalS: env('BENCH_HEALTH_INTERVAL', 1),
    image: process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1',
    etcdEndpoint: process.env.BERTH_ETCD_ENDPOINT ?? 'http://127.0.0.1:2379',
  };
  const sections = new Set((process.env.BENCH_SECTIONS ?? 'placement,docker').split(','));
  const placementStores = (['etcd', 'embedded'] as const).filter((s) => (process.env.BENCH_STORES ?? 'etcd,embedded').split(',').includes(s));
  const out = process.env.BENCH_OUT ?? 'bench/RESULTS.md';
  const began = Date.now();
  const machine: Machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    docker: version('docker', ['version', '--format', '{{.Server.Version}}'], /^(\S+)/),
    etcd: await etcdVersion(config.etcdEndpoint),
    date: new Date().toISOString(),
  };
  const scale = { instances: config.instances, services: config.services, tasksPerService: config.tasksPerService };
  const failures: string[] = [];
  const placement: { etcd: PlacementResult[]; embedded: PlacementResult[]; etcdV8Heap: PlacementResult[] } = { etcd: [], embedded: [], etcdV8Heap: [] };
  if (sections.has('placement')) {
    for (let i = 0; i < config.placementRepeats; i++) {
      for (const store of placementStores) {
        say(`placement on ${store}, run ${i + 1} of ${config.placementRepeats}`);
        // One failed run is reported, not fatal: the other figures still get written.
        try {
          placement[store].push(
            await runPlacement({
              store,
              scale,
              measureLatency: store === 'etcd' && i === 0 && process.env.BENCH_NO_LATENCY !== '1',
              profileDir: process.env.BENCH_PROFILE,
              timeoutMs: 900_000,
              log: say,
            }),
          );
        } catch (err) {
          say(`placement on ${store} failed: ${String(err)}`);
          failures.push(`placement on ${store}, run ${i + 1}: ${String(err)}`);
        }
      }
    }
  }
  // Beside the etcd figures: the same run with the server at V8's own heap growth (what the
  // server's default growth costs in placement rate and saves in memory; cmd/heap-growth.ts).
  if (sections.has('placement') && placementStores.includes('etcd') && process.env.BENCH_HEAP_COMPARE !== '0') {
    say(`placement on etcd, the server at V8's default heap growth (${HEAP_GROWTH_ENV}=0)`);
    try {
      placement.etcdV8Heap.push(
        await runPlacement({ store: 'etcd', scale, measureLatency: false, serverEnv: { [HEAP_GROWTH_ENV]: '0' }, timeoutMs: 900_000, log: say }),
      );
    } catch (err) {
      say(`placement at V8's default heap growth failed: ${String(err)}`);
      failures.push(`placement at V8's default heap growth: ${String(err)}`);
    }
  }
  let rawEtcd: number[] = [];
  if (sections.has('placement')) {
    const { rawEtcdTxnThroughput } = await import('./bench-raw-etcd.js');
    say('raw etcd: 100-key transactions, 64 in flight');
    const { startPrivateEtcd } = await import('./bench-etcd.js');
    const etcd = await startPrivateEtcd();
    try {
      rawEtcd = await rawEtcdTxnThroughput(etcd.endpoint, Math.max(3, config.repeats));
    } finally {
      await etcd.stop();
    }
  }
  let docker: DockerBenchResult | undefined;
  if (sections.has('docker')) {
    say('real Docker: start, recovery, rolling update (berth, docker run, the engine floors, swarm)');
    docker = await runDockerBench({
      image: config.image,
      repeats: config.repeats,
      startTasks: config.startTasks,
      recoveryTasks: 5,
      recoveryRepeats: config.recoveryRepeats,
      updateTasks: config.updateTasks,
      healthIntervalS: config.healthIntervalS,
      parts: new Set((['start', 'recovery', 'update'] as const).filter((p) => (process.env.BENCH_DOCKER ?? 'start,recovery,update').split(',').includes(p))),
      log: say,
    }).catch((err: unknown) => {
      say(`real Docker section failed: ${String(err)}`);
      failures.push(`real Docker: ${String(err)}`);
      return undefined;
    });
  }
  const markdown = renderResults({ machine, config, placement, rawEtcd, docker, failures, elapsedS: (Date.now() - began) / 1000 });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, markdown);
  process.stdout.write(markdown);
}

await main();
process.exit(0);
