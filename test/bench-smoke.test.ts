/**
 * The benchmark machinery at tiny scale, so it cannot rot: placement on simulated instances through
 * both stores (child processes from dist/, as `hack/bench.sh` runs them), the API latency probe, and
 * the report. The real-Docker comparison is not run here (it needs a swarm; `hack/bench.sh` runs it).
 */
import { describe, expect, it } from 'vitest';
import { renderResults, type BenchConfig } from '../hack/bench-report.js';
import { runPlacement } from '../hack/bench-placement.js';
import { rawEtcdTxnThroughput } from '../hack/bench-raw-etcd.js';
import { formatSummary, percentile, summarize } from '../hack/bench-stats.js';
import { etcdEndpoint } from './support/stores.js';

describe('bench statistics', () => {
  it.each([
    { samples: [3, 1, 2], median: 2, min: 1, max: 3 },
    { samples: [4, 1, 3, 2], median: 2.5, min: 1, max: 4 },
    { samples: [7], median: 7, min: 7, max: 7 },
  ])('summarizes $samples', ({ samples, median, min, max }) => {
    expect(summarize(samples)).toEqual({ median, min, max, n: samples.length });
  });

  it('formats median (min–max) and nearest-rank percentiles', () => {
    expect(formatSummary(summarize([1200, 1000, 1500]), 'count')).toBe('1,200 (1,000–1,500)');
    expect(formatSummary(summarize([0.42]), 's')).toBe('0.42');
    expect(formatSummary(summarize([]), 's')).toBe('n/a');
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(xs, 0.5), percentile(xs, 0.99)]).toEqual([50, 99]);
  });
});

describe('bench at tiny scale', () => {
  const scale = { instances: 3, services: 2, tasksPerService: 4 };
  const log = () => undefined;

  it.each(['etcd', 'embedded'] as const)(
    'places every task on simulated instances (%s) and renders the table',
    async (store) => {
      const result = await runPlacement({ store, scale, measureLatency: store === 'etcd', latencySamples: 10, timeoutMs: 40_000, log });
      expect(result.tasks).toBe(8);
      expect(result.tasksPerSecond).toBeGreaterThan(0);
      expect(result.serverPeakRssMB).toBeGreaterThan(20);
      if (store === 'etcd') {
        expect(result.latency?.listedItems).toBe(8);
        expect(result.latency?.getMs).toHaveLength(10);
        expect(result.latency?.applyMs.length).toBeGreaterThanOrEqual(2);
      }
      const config: BenchConfig = {
        ...scale,
        placementRepeats: 1,
        repeats: 1,
        startTasks: 50,
        updateTasks: 20,
        recoveryRepeats: 1,
        healthIntervalS: 5,
        image: 'x',
        etcdEndpoint,
      };
      const markdown = renderResults({
        machine: { cpus: 2, cpuModel: 'cpu', memoryGiB: 4, node: 'v20', docker: '20.10', etcd: '3.4', date: new Date().toISOString() },
        config,
        placement: { etcd: store === 'etcd' ? [result] : [], embedded: store === 'embedded' ? [result] : [], etcdV8Heap: store === 'etcd' ? [result] : [] },
        rawEtcd: [50_000],
        elapsedS: 1,
      });
      expect(markdown).toContain('| placement, etcd');
      expect(markdown).toContain('peak RSS');
      if (store === 'etcd') expect(markdown).toContain('API latency: list all 8 tasks');
      if (store === 'etcd') expect(markdown).toContain("server at V8's own heap growth");
    },
    60_000,
  );

  it('starts the server with the heap growth it is given, as `berth server` applies it', async () => {
    // A value the server refuses proves the variable reaches the server and is applied there.
    await expect(
      runPlacement({ store: 'etcd', scale, measureLatency: false, serverEnv: { BERTH_HEAP_GROWTH_PERCENT: 'lots' }, timeoutMs: 40_000, log }),
    ).rejects.toThrow(/server process exited/);
  }, 60_000);

  it('measures raw etcd transactions', async () => {
    const [keysPerSecond] = await rawEtcdTxnThroughput(etcdEndpoint, 1, 300);
    expect(keysPerSecond).toBeGreaterThan(100);
  });
});
