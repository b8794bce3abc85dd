/** The status record: counts and errors from a sync report, read back from Cluster annotations, printed. */
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../api/usecases/manifests/index.js';
import type { BerthObject } from '../../api/v1/index.js';
import type { ApplyResult } from '../apply/types.js';
import { statusAnnotation } from './constants.js';
import { MAX_STATUS_ERRORS, readStatuses, statusFromFailure, statusFromReport, type StatusContext } from './status.js';
import { formatStatusTable } from './status-view.js';
import type { SyncReport } from './sync.js';

const ctx: StatusContext = { set: 'site', dir: '/srv/site', host: 'h1', prune: true, reason: 'interval', failedAttempts: 0 };
const at = new Date('2030-01-01T00:00:00Z');
const result = (action: ApplyResult['action'], extra: Partial<ApplyResult> = {}): ApplyResult => ({
  kind: 'Service',
  cluster: 'default',
  name: 'web',
  action,
  ...extra,
});
const report = (results: ApplyResult[], skipped: SyncReport['skipped'] = [], pruneSkipped?: string): SyncReport => ({
  startedAt: at,
  durationMs: 42,
  revision: 'abc123',
  files: 3,
  results,
  skipped,
  ignored: 0,
  warnings: [],
  pruneSkipped,
});
const broken = (file: string, line: number) => new ManifestError({ file, line, column: 3, path: 'spec.desiredCount', message: 'must be >= 0' });

describe('statusFromReport', () => {
  it('counts what happened; a clean sync is Synced and a success', () => {
    const s = statusFromReport(report([result('created'), result('configured'), result('unchanged'), result('pruned'), result('deregistered')]), ctx);
    expect(s).toMatchObject({ result: 'Synced', lastSyncAt: at.toISOString(), lastSuccessAt: at.toISOString(), revision: 'abc123', errors: [] });
    expect(s.counts).toEqual({ created: 1, configured: 1, unchanged: 1, pruned: 2, failed: 0, skippedFiles: 0 });
  });

  it('a skipped file makes it Degraded, with FILE:LINE:COL relative to the directory', () => {
    const s = statusFromReport(report([result('unchanged')], [{ file: '/srv/site/apps/bad.yaml', errors: [broken('/srv/site/apps/bad.yaml', 7)] }]), ctx);
    expect(s.result).toBe('Degraded');
    expect(s.errors).toEqual(['apps/bad.yaml:7:3: spec.desiredCount: must be >= 0']);
  });

  it('a failed object is Degraded, not a success, and names its source file', () => {
    const s = statusFromReport(
      report(
        [result('failed', { error: new Error('quota exceeded'), source: { file: '/srv/site/web.yaml', line: 12 } })],
        [],
        'not every object could be applied',
      ),
      { ...ctx, lastSuccessAt: '2029-12-31T00:00:00.000Z' },
    );
    expect(s).toMatchObject({ result: 'Degraded', lastSuccessAt: '2029-12-31T00:00:00.000Z' });
    expect(s.errors).toEqual(['error: when applying service/web from web.yaml:12:1: quota exceeded', 'prune skipped: not every object could be applied']);
  });

  it('keeps at most MAX_STATUS_ERRORS errors and says how many more there are', () => {
    const errors = Array.from({ length: MAX_STATUS_ERRORS + 5 }, (_, i) => broken('/srv/site/bad.yaml', i + 1));
    const s = statusFromReport(report([], [{ file: '/srv/site/bad.yaml', errors }]), ctx);
    expect(s.errors).toHaveLength(MAX_STATUS_ERRORS + 1);
    expect(s.errors.at(-1)).toMatch(/and 5 more/);
  });

  it('a failed sync records the error and the failures in a row', () => {
    const s = statusFromFailure(new Error('cannot reach the berth API'), at, 5, { ...ctx, failedAttempts: 3 });
    expect(s).toMatchObject({ result: 'Failed', failedAttempts: 3, errors: ['cannot reach the berth API'] });
    expect(s.counts).toBeUndefined();
  });
});

describe('readStatuses and the table', () => {
  const cluster = (name: string, annotations: Record<string, string>): BerthObject => ({
    apiVersion: 'berth.dev/v1',
    kind: 'Cluster',
    metadata: { name, cluster: name, annotations },
    spec: {},
  });

  it('reads every set from every cluster, marks unreadable ones, and prints them kubectl-style', () => {
    const good = statusFromReport(report([result('unchanged')], [{ file: '/srv/site/bad.yaml', errors: [broken('/srv/site/bad.yaml', 7)] }]), ctx);
    const stored = readStatuses([
      cluster('default', { [statusAnnotation('site')]: JSON.stringify(good), other: 'x' }),
      cluster('prod', { [statusAnnotation('broken')]: '{not json' }),
    ]);
    expect(stored.map((s) => [s.cluster, s.set, 'status' in s])).toEqual([
      ['prod', 'broken', false],
      ['default', 'site', true],
    ]);
    const text = formatStatusTable(stored, new Date(at.getTime() + 95_000));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+CLUSTER\s+RESULT\s+LAST SYNC\s+CREATED\s+CONFIGURED\s+UNCHANGED\s+PRUNED\s+ERRORS\s+DIR$/);
    expect(lines[2]).toMatch(/^site\s+default\s+Degraded\s+95s ago\s+0\s+0\s+1\s+0\s+1\s+\/srv\/site$/);
    expect(text).toContain('  bad.yaml:7:3: spec.desiredCount: must be >= 0');
    expect(text).toContain('broken: the status annotation cannot be read');
  });
});
