/**
 * Prometheus metrics of one API server, in the registry of its process (several servers in one
 * process, as in tests, must not collide in prom-client's global registry: each gets its own unless
 * given one). Requests are counted and timed by verb, kind, route template (never the object names:
 * bounded label values) and status code.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  observe(labels: { verb: string; route: string; code: number; kind?: string }, seconds: number): void;
}

export function createApiMetrics(given?: Registry): ApiMetrics {
  const registry = given ?? new Registry();
  // A process's own registry gets the process metrics from its owner, once.
  if (!given) collectDefaultMetrics({ register: registry, prefix: 'berth_' });
  const requests = new Counter({
    name: 'berth_api_requests_total',
    help: 'API requests by verb, route, HTTP status code and kind',
    labelNames: ['verb', 'route', 'code', 'kind'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'berth_api_request_duration_seconds',
    help: 'API request latency by verb, route, code and kind (watch: how long the stream stayed open)',
    labelNames: ['verb', 'route', 'code', 'kind'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 300],
    registers: [registry],
  });
  return {
    registry,
    observe({ verb, route, code, kind }, seconds) {
      // Requests that name no kind (/healthz, /version, …) get an empty label, which Prometheus drops.
      const labels = { verb, route, code: String(code), kind: kind ?? '' };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
  };
}
