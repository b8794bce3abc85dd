/**
 * Prometheus metrics of one API server, in a registry of its own (several servers in one process,
 * as in tests, must not collide in prom-client's global registry). Requests are counted and timed
 * by verb, route template (never the object names: bounded label values) and status code.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  observe(labels: { verb: string; route: string; code: number }, seconds: number): void;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'berth_' });
  const requests = new Counter({
    name: 'berth_api_requests_total',
    help: 'API requests by verb, route and HTTP status code',
    labelNames: ['verb', 'route', 'code'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'berth_api_request_duration_seconds',
    help: 'API request latency by verb and route (watch: how long the stream stayed open)',
    labelNames: ['verb', 'route', 'code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 300],
    registers: [registry],
  });
  return {
    registry,
    observe({ verb, route, code }, seconds) {
      const labels = { verb, route, code: String(code) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
  };
}
