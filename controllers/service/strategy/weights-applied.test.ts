import { describe, expect, it } from 'vitest';
import { TargetGroupSpec, type ProxyHealthReport } from '../../../api/v1/target-group.js';
import { weightsApplied } from './weights-applied.js';

const NOW = Date.parse('2026-01-01T00:01:00Z');
const spec = TargetGroupSpec.parse({ healthCheck: { intervalSeconds: 1, timeoutSeconds: 1 } });
const report = (proxy: string, loadBalancers: Record<string, number> | undefined, ageMs = 0): ProxyHealthReport => ({
  proxy,
  reportedAt: new Date(NOW - ageMs).toISOString(),
  targets: {},
  ...(loadBalancers ? { loadBalancers } : {}),
});
const group = (...healthReports: ProxyHealthReport[]) => ({ spec, status: { targets: [], healthReports } });
const pending = (loadBalancers: Record<string, number>) => ({ since: new Date(NOW).toISOString(), loadBalancers });

describe('weightsApplied', () => {
  it.each([
    ['nothing pending', undefined, [group(report('p1', { web: 1 }))], true],
    ['no generation recorded (no load balancer to move)', pending({}), [group(report('p1', { web: 1 }))], true],
    ['the one proxy routes the generation', pending({ web: 4 }), [group(report('p1', { web: 4 }))], true],
    ['a later generation counts', pending({ web: 4 }), [group(report('p1', { web: 5 }))], true],
    ['the proxy still routes an older one', pending({ web: 4 }), [group(report('p1', { web: 3 }))], false],
    ['one of two proxies behind', pending({ web: 4 }), [group(report('p1', { web: 4 }), report('p2', { web: 3 }))], false],
    ['behind on the other group of the service', pending({ web: 4 }), [group(report('p1', { web: 4 })), group(report('p1', { web: 3 }))], false],
    // The bound: nothing reports this load balancer, so no proxy routes it and there is nothing to wait for.
    ['no proxy reports at all (none runs)', pending({ web: 4 }), [group(), group()], true],
    ['the only report is stale (that proxy is gone)', pending({ web: 4 }), [group(report('p1', { web: 3 }, 60_000))], true],
    ['a proxy that does not route this load balancer', pending({ web: 4 }), [group(report('p1', { other: 1 }))], true],
    ['a proxy of an older berth (no generations in its report)', pending({ web: 4 }), [group(report('p1', undefined))], true],
    ['two load balancers, one behind', pending({ web: 4, api: 2 }), [group(report('p1', { web: 4, api: 1 }))], false],
  ])('%s', (_name, p, groups, want) => {
    expect(weightsApplied(p, groups, NOW)).toBe(want);
  });
});
