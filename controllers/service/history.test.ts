import { describe, expect, it } from 'vitest';
import type { DeploymentNote } from './deployments.js';
import { nextHistory, type DeploymentRecord } from './history.js';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const rec = (
  id: string,
  taskDefinition: string,
  state: DeploymentRecord['state'],
  startedAt: string,
  extra: Partial<DeploymentRecord> = {},
): DeploymentRecord => ({
  id,
  taskDefinition,
  state,
  startedAt,
  ...extra,
});

describe('nextHistory', () => {
  it.each<[string, DeploymentRecord[], DeploymentNote[], DeploymentRecord[]]>([
    ['the first deployment opens a record', [], [{ type: 'created', id: 'd1', taskDefinition: 'web:1' }], [rec('d1', 'web:1', 'IN_PROGRESS', t(9))]],
    [
      'completion closes it',
      [rec('d1', 'web:1', 'IN_PROGRESS', t(0))],
      [{ type: 'completed', id: 'd1' }],
      [rec('d1', 'web:1', 'COMPLETED', t(0), { finishedAt: t(9), reason: 'deployment completed' })],
    ],
    [
      'a new deployment supersedes one in progress',
      [rec('d2', 'web:2', 'IN_PROGRESS', t(5)), rec('d1', 'web:1', 'COMPLETED', t(0))],
      [{ type: 'created', id: 'd3', taskDefinition: 'web:3' }],
      [
        rec('d3', 'web:3', 'IN_PROGRESS', t(9)),
        rec('d2', 'web:2', 'STOPPED', t(5), { finishedAt: t(9), reason: 'superseded by deployment d3' }),
        rec('d1', 'web:1', 'COMPLETED', t(0)),
      ],
    ],
    [
      'the breaker fails one and a rollback that completes at once is a new record of the old deployment',
      [rec('d2', 'web:2', 'IN_PROGRESS', t(5)), rec('d1', 'web:1', 'COMPLETED', t(0))],
      [
        { type: 'failed', id: 'd2', reason: 'breaker' },
        { type: 'rolledBack', from: 'd2', to: 'd1', taskDefinition: 'web:1' },
        { type: 'completed', id: 'd1' },
      ],
      [
        rec('d1', 'web:1', 'COMPLETED', t(9), { finishedAt: t(9), reason: 'rollback after deployment d2 failed', rollbackFrom: 'd2' }),
        rec('d2', 'web:2', 'FAILED', t(5), { finishedAt: t(9), reason: 'breaker' }),
        rec('d1', 'web:1', 'COMPLETED', t(0)),
      ],
    ],
    [
      'notes about a deployment with no open record change nothing',
      [rec('d1', 'web:1', 'COMPLETED', t(0))],
      [{ type: 'completed', id: 'd1' }],
      [rec('d1', 'web:1', 'COMPLETED', t(0))],
    ],
  ])('%s', (_name, previous, notes, expected) => {
    expect(nextHistory(previous, notes, t(9))).toEqual(expected);
  });

  it('keeps at most max records, newest first', () => {
    const previous = [rec('d2', 'web:2', 'COMPLETED', t(2)), rec('d1', 'web:1', 'COMPLETED', t(1))];
    const next = nextHistory(previous, [{ type: 'created', id: 'd3', taskDefinition: 'web:3' }], t(9), 2);
    expect(next.map((r) => r.id)).toEqual(['d3', 'd2']);
  });
});
