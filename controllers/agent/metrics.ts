/**
 * The agent's Prometheus metrics: container starts, start failures and start latency, counted
 * around the runtime's startContainer (every start the agent makes: a task's containers, an
 * awsvpc sandbox, an in-place restart). Several agents may share one registry (tests run more
 * than one in a process), so the series are made once per registry and labelled by instance.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ContainerRuntime } from './runtime/types.js';

interface StartSeries {
  starts: Counter<'instance'>;
  failures: Counter<'instance'>;
  latency: Histogram<'instance'>;
}

const byRegistry = new WeakMap<Registry, StartSeries>();

function seriesOf(registry: Registry): StartSeries {
  let series = byRegistry.get(registry);
  if (!series) {
    const registers = [registry];
    series = {
      starts: new Counter({ name: 'berth_agent_container_starts_total', help: 'Containers the agent started', labelNames: ['instance'], registers }),
      failures: new Counter({
        name: 'berth_agent_container_start_failures_total',
        help: 'Container starts that failed',
        labelNames: ['instance'],
        registers,
      }),
      latency: new Histogram({
        name: 'berth_agent_container_start_duration_seconds',
        help: "How long the engine took to start a container (Docker's start call)",
        labelNames: ['instance'],
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers,
      }),
    };
    byRegistry.set(registry, series);
  }
  return series;
}

/** `runtime` with its starts counted and timed in `registry` under `instance`. */
export function withStartMetrics(runtime: ContainerRuntime, registry: Registry, instance: string): ContainerRuntime {
  const { starts, failures, latency } = seriesOf(registry);
  starts.inc({ instance }, 0);
  failures.inc({ instance }, 0);
  const startContainer = async (id: string): Promise<void> => {
    const began = performance.now();
    try {
      await runtime.startContainer(id);
      starts.inc({ instance });
      latency.observe({ instance }, (performance.now() - began) / 1000);
    } catch (err) {
      failures.inc({ instance });
      throw err;
    }
  };
  // Every other call goes to the runtime itself, bound to it (its methods use `this`).
  return new Proxy(runtime, {
    get(target, property, receiver) {
      if (property === 'startContainer') return startContainer;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
