import { describe, expect, it } from 'vitest';
import type { ProxyHealthReport, Target } from '../v1/target-group.js';
import { lbReportRefusals } from './lb-report-rules.js';

const report = (proxy: string, health: 'healthy' | 'unhealthy' = 'healthy'): ProxyHealthReport => ({
  proxy,
  reportedAt: '2026-12-07T06:00:00.000Z',
  targets: { '10.0.0.1:8080': health },
});
const target: Target = { task: 't1', containerName: 'web', containerPort: 8080, id: '10.0.0.1', port: 8080, service: 'web', health: 'healthy' };
const stored = { observedGeneration: 2, targets: [target], healthReports: [report('edge-a'), report('edge-b')] };

describe('what a load balancer token may write in a target group status', () => {
  it.each([
    { what: 'its own report, changed', next: { ...stored, healthReports: [report('edge-b'), report('edge-a', 'unhealthy')] }, paths: [] },
    { what: 'its first report', next: { ...stored, healthReports: [report('edge-b')] }, current: { ...stored, healthReports: [report('edge-b')] }, paths: [] },
    { what: 'nothing changed', next: stored, paths: [] },
    { what: "another proxy's report", next: { ...stored, healthReports: [report('edge-a'), report('edge-b', 'unhealthy')] }, paths: ['status.healthReports'] },
    { what: "another proxy's report removed", next: { ...stored, healthReports: [report('edge-a')] }, paths: ['status.healthReports'] },
    { what: 'a report in another name', next: { ...stored, healthReports: [...stored.healthReports, report('edge-c')] }, paths: ['status.healthReports'] },
    {
      what: 'two reports of its own',
      next: { ...stored, healthReports: [report('edge-b'), report('edge-a'), report('edge-a')] },
      paths: ['status.healthReports'],
    },
    { what: 'the targets', next: { ...stored, targets: [{ ...target, id: '10.9.9.9' }] }, paths: ['status.targets'] },
    { what: 'observedGeneration', next: { ...stored, observedGeneration: 3 }, paths: ['status.observedGeneration'] },
  ])('$what → refused at $paths', ({ next, current, paths }) => {
    expect(lbReportRefusals('edge-a', next, current ?? stored).map((r) => r.path)).toEqual(paths);
  });
});
