/**
 * A running berth (the built binary's `berth up`, on the shared etcd and the real Docker engine)
 * scraped as Prometheus scrapes it: /metrics parses with a kept text-format parser and holds the
 * kit's controller-runtime series, the API's, the store's, the objects' and the agent's, with
 * values that fit what runs; and `berth top` shows a busy container's cpu.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import parsePrometheusTextFormat, { type Family } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../controllers/kit/test-env.js';
import { BERTH_BIN, berthEnv, removeInstanceObjects, startBerthUp, tempDir, testInstanceName, type BerthProcess } from './support/berth-process.js';
import { etcdEndpoint } from './support/stores.js';

const run = promisify(execFile);
const IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';
// This helper's port range (25000–25099); the offset keeps two runs on one machine apart.
const PORT = 25000 + (process.pid % 90);

describe('metrics of a running berth', () => {
  const dir = tempDir('berth-metrics-');
  const config = join(dir, 'config');
  const instance = testInstanceName('metrics');
  let berth: BerthProcess;

  beforeAll(async () => {
    berth = await startBerthUp(
      [
        'up',
        '--data-dir',
        join(dir, 'data'),
        '--listen',
        `127.0.0.1:${PORT}`,
        '--etcd',
        etcdEndpoint,
        '--etcd-prefix',
        `/test/${instance}`,
        '--instance-name',
        instance,
        '--stats-interval',
        '500ms',
      ],
      config,
      30_000,
    );
    await berth.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'busy' },
      // sh as PID 1 ignores SIGTERM unless it traps it.
      spec: {
        containerDefinitions: [
          { name: 'spin', image: IMAGE, cpu: 256, memory: 32, stopTimeout: 2, command: ['sh', '-c', 'trap "exit 0" TERM; while :; do :; done'] },
        ],
      },
    });
    await berth.client.create({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name: 'busy' }, spec: { taskDefinition: 'busy', desiredCount: 1 } });
    await eventually(async () => (await berth.client.mustGet('Service', { name: 'busy' })).status?.runningCount === 1, 30_000, 'the busy service running');
  }, 60_000);

  afterAll(async () => {
    berth?.child.kill('SIGTERM');
    await berth?.exited;
    await removeInstanceObjects(instance);
  });

  const top = async (subject: string) => (await run(process.execPath, [BERTH_BIN, 'top', subject], { env: berthEnv(config) })).stdout;

  it('berth top shows the busy container using cpu', async () => {
    const line = await eventually(
      async () => {
        const row = (await top('tasks')).split('\n').find((l) => l.includes(' busy '));
        // TASK SERVICE INSTANCE CPU(units) CPU% MEMORY(MiB) MEMORY%
        const cpu = Number(row?.trim().split(/\s+/)[3]);
        return cpu > 0 ? row : undefined;
      },
      20_000,
      'a row with cpu in use for the busy task',
    );
    const [, service, on, , cpuPercent] = line.trim().split(/\s+/);
    expect([service, on]).toEqual(['busy', instance]);
    // Percent of the 256 units it reserves: a spinning shell takes whatever a core gives it.
    expect(parseFloat(cpuPercent ?? '')).toBeGreaterThan(0);
    expect(await top('services')).toMatch(/^busy\s+1\s+[\d.]+\s+[\d.]+%/m);
    expect(await top('instances')).toMatch(new RegExp(`^${instance}\\s+1\\s+[\\d.]+\\s+[\\d.]+%.*yes$`, 'm'));
  }, 40_000);

  it('serves a Prometheus scrape holding the kit, API, store, object and agent series', async () => {
    let text = '';
    const scrape = async () => {
      const res = await fetch(`${berth.url}/metrics`, { headers: { authorization: `Bearer ${berth.token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      text = await res.text();
      return parsePrometheusTextFormat(text);
    };
    // Utilisation reaches the caches with the agent's heartbeat.
    const families = await eventually(async () => {
      const f = await scrape();
      return f.some((m) => m.name === 'berth_task_cpu_utilization_percent' && m.metrics.length > 0) ? f : undefined;
    }, 20_000);
    /**
     * A histogram with observations. The parser merges a histogram's labelled series into one
     * sample without labels (seen with prom-client's output), so the labels of histogram series are
     * checked on the text itself.
     */
    const histogram = (name: string, labels: Record<string, string> = {}): void => {
      const found = family(name, 'HISTOGRAM');
      expect(Number(found.metrics[0]?.buckets?.['+Inf']), `${name} observations`).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(labels)) expect(text, `${name} ${k}=${v}`).toMatch(new RegExp(`^${name}_count\\{[^\\n]*${k}="${v}"`, 'm'));
    };
    const family = (name: string, type: Family['type']): Family => {
      const found = families.find((f) => f.name === name);
      expect(found, name).toBeDefined();
      expect(found?.type, name).toBe(type);
      return found as Family;
    };
    const value = (name: string, type: Family['type'], labels: Record<string, string>): number => {
      const sample = family(name, type).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
      expect(sample, `${name} ${JSON.stringify(labels)}`).toBeDefined();
      return Number(sample?.value);
    };

    // The kit, under controller-runtime's names: the service controller reconciled successfully.
    expect(value('controller_runtime_reconcile_total', 'COUNTER', { controller: 'service', result: 'success' })).toBeGreaterThan(0);
    expect(value('controller_runtime_reconcile_errors_total', 'COUNTER', { controller: 'service' })).toBeGreaterThanOrEqual(0);
    histogram('controller_runtime_reconcile_time_seconds', { controller: 'service' });
    expect(value('workqueue_depth', 'GAUGE', { name: 'scheduler' })).toBeGreaterThanOrEqual(0);
    histogram('workqueue_queue_duration_seconds', { name: 'scheduler' });
    expect(value('workqueue_retries_total', 'COUNTER', { name: 'service' })).toBeGreaterThanOrEqual(0);
    expect(value('leader_election_master_status', 'GAUGE', { name: 'controller-manager' })).toBe(1);
    // The API and the store.
    expect(value('berth_api_requests_total', 'COUNTER', { verb: 'create', kind: 'Service', code: '201' })).toBe(1);
    histogram('berth_store_operation_duration_seconds', { operation: 'txn', store: 'etcd' });
    histogram('berth_api_request_duration_seconds', { kind: 'Service' });
    // The objects.
    expect(value('berth_service_desired_tasks', 'GAUGE', { service: 'busy' })).toBe(1);
    expect(value('berth_service_running_tasks', 'GAUGE', { service: 'busy' })).toBe(1);
    expect(value('berth_service_pending_tasks', 'GAUGE', { service: 'busy' })).toBe(0);
    expect(value('berth_service_deployments', 'GAUGE', { service: 'busy', status: 'PRIMARY' })).toBe(1);
    const registered = value('berth_instance_registered_cpu_units', 'GAUGE', { instance });
    expect(registered).toBeGreaterThan(0);
    expect(value('berth_instance_remaining_cpu_units', 'GAUGE', { instance })).toBe(registered - 256);
    expect(value('berth_instance_registered_memory_mib', 'GAUGE', { instance })).toBeGreaterThan(0);
    expect(value('berth_instance_remaining_memory_mib', 'GAUGE', { instance })).toBeGreaterThan(0);
    // Utilisation, and the agent's starts.
    expect(value('berth_task_cpu_utilization_percent', 'GAUGE', { service: 'busy', instance })).toBeGreaterThan(0);
    expect(value('berth_service_cpu_utilization_percent', 'GAUGE', { service: 'busy' })).toBeGreaterThan(0);
    expect(value('berth_service_memory_utilization_percent', 'GAUGE', { service: 'busy' })).toBeGreaterThanOrEqual(0);
    expect(value('berth_agent_container_starts_total', 'COUNTER', { instance })).toBeGreaterThanOrEqual(1);
    expect(value('berth_agent_container_start_failures_total', 'COUNTER', { instance })).toBe(0);
    histogram('berth_agent_container_start_duration_seconds', { instance });
  }, 40_000);

  it('answers /healthz and /readyz with their checks, and /metrics only with a token', async () => {
    expect((await fetch(`${berth.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${berth.url}/readyz?verbose`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toMatch(/\[\+\]store ok.*\n\[\+\]leader ok: this replica leads\n\[\+\]informers ok: synced\nreadyz check passed/);
    expect((await fetch(`${berth.url}/metrics`)).status).toBe(401);
  });
});
