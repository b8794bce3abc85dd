/**
 * Gauges of what the objects say, read from the controller manager's shared caches when scraped
 * (kube-state-metrics' way, without a list call per scrape): per service its desired, running and
 * pending counts and its deployments by status and rollout state; per container instance what it
 * registered and what remains; and the utilisation the agents report (api/utilization-summary.ts)
 * per task, service and instance. A replica that does not lead keeps no caches and reports none of
 * these: scrape every replica, the leader answers.
 */
import { Gauge, type Registry } from 'prom-client';
import { reportedTasks, summarizeInstance, summarizeServices } from '../../api/utilization-summary.js';
import { CacheKindNotWatchedError, type CacheReader } from '../kit/informer-set.js';

type Reader = () => CacheReader | undefined;

interface GaugeSpec {
  name: string;
  help: string;
  labelNames: string[];
  /** Every series of this gauge, from the caches. */
  values: (cache: CacheReader) => { labels: Record<string, string>; value: number }[];
}

function define(registry: Registry, read: Reader, spec: GaugeSpec): void {
  new Gauge({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames,
    registers: [registry],
    collect() {
      this.reset();
      const cache = read();
      if (!cache) return;
      let values: ReturnType<GaugeSpec['values']>;
      try {
        values = spec.values(cache);
      } catch (err) {
        // A manager whose controllers cache none of these kinds (CacheKindNotWatchedError): nothing to report.
        if (err instanceof CacheKindNotWatchedError) return;
        throw err;
      }
      for (const { labels, value } of values) this.set(labels, value);
    },
  });
}

const defined = <T>(value: T | undefined): value is T => value !== undefined;

export function registerClusterStateMetrics(registry: Registry, read: Reader): void {
  const services = (cache: CacheReader) => cache.list('Service');
  const instances = (cache: CacheReader) => cache.list('ContainerInstance');
  const serviceLabels = ['cluster', 'service'];
  for (const [field, what] of [
    ['desiredCount', 'desired'],
    ['runningCount', 'running'],
    ['pendingCount', 'pending'],
  ] as const)
    define(registry, read, {
      name: `berth_service_${what}_tasks`,
      help: `Tasks a service has ${what} (its status.${field})`,
      labelNames: serviceLabels,
      values: (cache) =>
        services(cache).map((s) => ({
          labels: { cluster: s.metadata.cluster, service: s.metadata.name },
          value: field === 'desiredCount' ? s.spec.desiredCount : (s.status?.[field] ?? 0),
        })),
    });
  define(registry, read, {
    name: 'berth_service_deployments',
    help: 'Deployments of a service by status (PRIMARY, ACTIVE) and rollout state (IN_PROGRESS, COMPLETED, FAILED)',
    labelNames: [...serviceLabels, 'status', 'rollout_state'],
    values: (cache) => {
      const counts = new Map<string, { labels: Record<string, string>; value: number }>();
      for (const s of services(cache))
        for (const d of s.status?.deployments ?? []) {
          const labels = { cluster: s.metadata.cluster, service: s.metadata.name, status: d.status, rollout_state: d.rolloutState };
          const key = JSON.stringify(labels);
          counts.set(key, { labels, value: (counts.get(key)?.value ?? 0) + 1 });
        }
      return [...counts.values()];
    },
  });

  const instanceLabels = ['cluster', 'instance'];
  const resource = (name: string, help: string, value: (ci: ReturnType<typeof instances>[number]) => number | undefined) =>
    define(registry, read, {
      name,
      help,
      labelNames: instanceLabels,
      values: (cache) =>
        instances(cache)
          .map((ci) => {
            const v = value(ci);
            return v === undefined ? undefined : { labels: { cluster: ci.metadata.cluster, instance: ci.metadata.name }, value: v };
          })
          .filter(defined),
    });
  resource('berth_instance_registered_cpu_units', 'CPU units a container instance offers (1024 per core)', (ci) => ci.spec.registeredResources.cpu);
  resource('berth_instance_registered_memory_mib', 'Memory a container instance offers, MiB', (ci) => ci.spec.registeredResources.memory);
  resource('berth_instance_remaining_cpu_units', 'CPU units not reserved by tasks', (ci) => ci.status?.remainingResources?.cpu);
  resource('berth_instance_remaining_memory_mib', 'Memory not reserved by tasks, MiB', (ci) => ci.status?.remainingResources?.memory);
  resource('berth_instance_agent_connected', '1 while the instance’s agent heartbeats', (ci) => (ci.status?.agentConnected ? 1 : 0));
  resource('berth_instance_cpu_utilization_percent', 'CPU its tasks use, percent of what the instance registered', (ci) =>
    ci.status?.utilization ? summarizeInstance(ci).cpuUtilization : undefined,
  );
  resource('berth_instance_memory_utilization_percent', 'Memory its tasks use, percent of what the instance registered', (ci) =>
    ci.status?.utilization ? summarizeInstance(ci).memoryUtilization : undefined,
  );

  for (const which of ['cpu', 'memory'] as const) {
    define(registry, read, {
      name: `berth_service_${which}_utilization_percent`,
      help: `ECS's ${which === 'cpu' ? 'CPUUtilization' : 'MemoryUtilization'}: what a service's tasks use, percent of what they reserve`,
      labelNames: serviceLabels,
      values: (cache) =>
        [...summarizeServices(instances(cache)).values()]
          .map(({ cluster, service, summary }) => {
            const value = which === 'cpu' ? summary.cpuUtilization : summary.memoryUtilization;
            return value === undefined ? undefined : { labels: { cluster, service }, value };
          })
          .filter(defined),
    });
    define(registry, read, {
      name: `berth_task_${which}_utilization_percent`,
      help: `What a task uses of the ${which} it reserves, percent (absent when it reserves none)`,
      labelNames: ['cluster', 'instance', 'service', 'task'],
      values: (cache) =>
        reportedTasks(instances(cache))
          .map(({ cluster, instance, usage }) => {
            const value = which === 'cpu' ? usage.cpuUtilization : usage.memoryUtilization;
            return value === undefined ? undefined : { labels: { cluster, instance, service: usage.service ?? '', task: usage.task }, value };
          })
          .filter(defined),
    });
  }
  define(registry, read, {
    name: 'berth_task_cpu_used_units',
    help: 'CPU units a task uses (1024 per core)',
    labelNames: ['cluster', 'instance', 'service', 'task'],
    values: (cache) =>
      reportedTasks(instances(cache)).map(({ cluster, instance, usage }) => ({
        labels: { cluster, instance, service: usage.service ?? '', task: usage.task },
        value: usage.cpuUsed,
      })),
  });
  define(registry, read, {
    name: 'berth_task_memory_used_mib',
    help: 'Memory a task uses, MiB',
    labelNames: ['cluster', 'instance', 'service', 'task'],
    values: (cache) =>
      reportedTasks(instances(cache)).map(({ cluster, instance, usage }) => ({
        labels: { cluster, instance, service: usage.service ?? '', task: usage.task },
        value: usage.memoryUsed,
      })),
  });
}
